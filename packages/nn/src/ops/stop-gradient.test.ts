import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { stopGradient } from './stop-gradient.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('stopGradient', () => {
  it('is the identity forward and a constant backward: d/dx Σ x·sg(x) = x', () => {
    const x = tf.tensor1d([2, -3]);
    expect(Array.from(stopGradient(x).dataSync())).toEqual([2, -3]);
    const g = tf.grad((t) => tf.sum(tf.mul(t, stopGradient(t))))(x);
    expect(Array.from(g.dataSync())).toEqual([2, -3]); // without the stop it would be 2x
    expect(
      Array.from(
        tf
          .grad((t) => tf.sum(stopGradient(t)))(x)
          .dataSync(),
      ),
    ).toEqual([0, 0]);
  });
});
