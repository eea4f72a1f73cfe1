import { Rng } from '@kd/core';
import type { Sample } from '@kd/data';
import type { DetBox } from '@kd/models';
import { describe, expect, it } from 'vitest';
import { chanceDetections } from './chance-detector.ts';
import { scoreDetections } from './evaluate-detector.ts';

const img = (objects: [number, number, number, number, number][]): Sample => ({
  name: 'x',
  width: 100,
  height: 80,
  image: new Uint8Array(100 * 80 * 3),
  objects: objects.map(([cls, x1, y1, x2, y2]) => ({ cls, x1, y1, x2, y2, difficult: false, truncated: false })),
});
const det = (cls: number, score: number, x1: number, y1: number, x2: number, y2: number): DetBox => ({
  cls,
  score,
  x1,
  y1,
  x2,
  y2,
});

describe('scoreDetections', () => {
  const samples = [
    img([
      [0, 10, 10, 50, 40],
      [1, 60, 20, 90, 70],
    ]),
    img([[1, 5, 5, 30, 30]]),
    img([]),
  ];

  it('perfect detections score 1 everywhere; an image without boxes is fine', () => {
    const dets = [[det(0, 0.9, 10, 10, 50, 40), det(1, 0.8, 60, 20, 90, 70)], [det(1, 0.7, 5, 5, 30, 30)], []];
    const s = scoreDetections(samples, dets, 2);
    for (const v of [s.voc07, s.vocAllPoint, s.coco.AP, s.coco.AP50, s.coco.AP75]) expect(v).toBeCloseTo(1, 12); // 11-point: a float64 mean
  });

  it('one of three gts found, with a wrong-class false positive ranked first', () => {
    const dets = [[det(1, 0.95, 10, 10, 50, 40), det(0, 0.9, 10, 10, 50, 40)], [], []];
    const s = scoreDetections(samples, dets, 2);
    // class 0: 1/1 found → AP 1; class 1: the FP only, 0/2 found → AP 0
    expect(s.vocAllPoint).toBe(0.5);
    expect(s.voc07).toBeCloseTo(0.5, 12); // 11-point mean in float64
    expect(s.numDetections).toBe(2);
  });

  it('chance detections (random boxes) stay far below a detector', () => {
    const s = scoreDetections(samples, chanceDetections(new Rng(1), samples, 2), 2);
    expect(s.voc07!).toBeLessThan(0.35);
    expect(s.coco.AP!).toBeLessThan(0.1);
  });
});
