import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignedIou, bceWithLogitsSum, iouLossSquare } from './iou-loss.ts';

describe('YOLOX loss terms', () => {
  beforeAll(() => useBackend('cpu'));

  it('aligned IoU and the square IoU loss on known boxes', () => {
    const p = tf.tensor2d([
      [0, 0, 10, 10],
      [0, 0, 10, 10],
      [0, 0, 10, 10],
      [0, 0, 0, 0],
    ]);
    const t = tf.tensor2d([
      [5, 0, 15, 10],
      [0, 0, 10, 10],
      [20, 20, 30, 30],
      [0, 0, 0, 0],
    ]);
    expect([...alignedIou(p, t).dataSync()]).toEqual([1 / 3, 1, 0, 0].map(Math.fround));
    // Σ(1 − IoU²) = (1 − 1/9) + 0 + 1 + 1
    expect(iouLossSquare(p, t).dataSync()[0]).toBeCloseTo(8 / 9 + 2, 5);
    tf.dispose([p, t]);
  });

  it('the IoU loss gradient is finite for disjoint and empty boxes', () => {
    const t = tf.tensor2d([
      [5, 0, 15, 10],
      [0, 0, 0, 0],
    ]);
    const g = tf.grad((p: tf.Tensor) => iouLossSquare(p as tf.Tensor2D, t))(
      tf.tensor2d([
        [0, 0, 10, 10],
        [0, 0, 0, 0],
      ]),
    );
    expect([...g.dataSync()].every(Number.isFinite)).toBe(true);
    // moving the right edge towards the target's right edge lowers the loss: dL/dx2 < 0
    expect(g.dataSync()[2]).toBeLessThan(0);
  });

  it('BCE with logits: log 2 at 0, stable at ±80, soft targets, weights', () => {
    expect(bceWithLogitsSum(tf.tensor1d([0]), tf.tensor1d([0.5])).dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    expect(bceWithLogitsSum(tf.tensor1d([80, -80]), tf.tensor1d([1, 0])).dataSync()[0]).toBeCloseTo(0, 6);
    expect(bceWithLogitsSum(tf.tensor1d([80]), tf.tensor1d([0])).dataSync()[0]).toBeCloseTo(80, 4);
    expect(bceWithLogitsSum(tf.tensor1d([0, 3]), tf.tensor1d([1, 1]), tf.tensor1d([1, 0])).dataSync()[0]).toBeCloseTo(
      Math.log(2),
      6,
    );
  });
});
