import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import type { Sample } from '@kd/data';
import { makeDetBatch, resizedDetBatch } from './det-batch.ts';

const sample = (name: string, v: number): Sample => ({
  name,
  width: 16,
  height: 16,
  image: new Uint8Array(16 * 16 * 3).map((_, i) => (i * 7 + v) % 256),
  objects: [{ x1: 2, y1: 4, x2: 10, y2: 12, cls: 1, difficult: false, truncated: false }],
});
const norm = { mean: [0, 0, 0], std: [1, 1, 1] };

describe('resizedDetBatch (YOLOX multi-scale)', () => {
  beforeAll(() => useBackend('cpu'));

  it('resizes x half-pixel like F.interpolate(align_corners=False), scales boxes and targets, disposes the input', () => {
    const before = tf.memory().numTensors;
    const d = makeDetBatch([sample('a', 0), sample('b', 3)], norm);
    const want = tf.tidy(() => tf.image.resizeBilinear(d.x, [24, 24], false, true).arraySync());
    const r = resizedDetBatch(d, 24);
    expect(d.x.isDisposed).toBe(true);
    expect(r.x.shape).toEqual([2, 24, 24, 3]);
    expect(r.x.arraySync()).toEqual(want);
    expect(r.size).toEqual([24, 24]);
    expect(r.boxes[1]).toEqual([[3, 6, 15, 18]]);
    expect(Array.from(r.targets[0].boxes)).toEqual([3, 6, 15, 18]);
    expect(Array.from(r.targets[0].classes)).toEqual([1]);
    r.x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same size returns the batch itself', () => {
    const d = makeDetBatch([sample('a', 0)], norm);
    expect(resizedDetBatch(d, 16)).toBe(d);
    d.x.dispose();
  });
});
