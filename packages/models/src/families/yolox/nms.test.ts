import { describe, expect, it } from 'vitest';
import { classAwareNms, nms } from './nms.ts';
import { iouXyxy } from './box-ops.ts';

describe('nms', () => {
  const boxes = [0, 0, 10, 10, /**/ 1, 1, 11, 11, /**/ 0, 0, 10, 10, /**/ 20, 20, 30, 30];
  const scores = [0.9, 0.8, 0.7, 0.6];

  it('IoU of known boxes', () => {
    expect(iouXyxy([0, 0, 10, 10], [1, 1, 11, 11])).toBeCloseTo(81 / 119, 12);
    expect(iouXyxy([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iouXyxy([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });

  it('suppresses boxes with IoU > threshold, in score order', () => {
    expect(nms(boxes, scores, 0.65)).toEqual([0, 3]); // 1 (0.68) and 2 (1.0) suppressed by 0
    expect(nms(boxes, scores, 0.7)).toEqual([0, 1, 3]); // 0.68 ≤ 0.7 survives; box 2 duplicates 0
  });

  it('IoU exactly at the threshold is kept (strictly greater suppresses)', () => {
    expect(nms([0, 0, 10, 10, 0, 0, 10, 5], [0.9, 0.8], 0.5)).toEqual([0, 1]);
    expect(nms([0, 0, 10, 10, 0, 0, 10, 5], [0.9, 0.8], 0.49)).toEqual([0]);
  });

  it('class-aware: different classes never suppress each other; output sorted by score and capped', () => {
    const classes = [0, 0, 1, 0];
    expect(classAwareNms(boxes, scores, classes, 0.65)).toEqual([0, 2, 3]);
    expect(classAwareNms(boxes, scores, classes, 0.65, 2)).toEqual([0, 2]);
  });
});
