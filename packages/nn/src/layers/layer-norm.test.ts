import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { LayerNorm } from './layer-norm.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('LayerNorm over NHWC channels', () => {
  it('(x − mean)/√(var + eps)·γ + β per pixel, biased variance', () => {
    const ln = new LayerNorm(2);
    const x = tf.tensor4d([1, 3, 10, 10], [1, 1, 2, 2]); // pixel 0: mean 2, var 1; pixel 1: constant
    const y = Array.from(ln.forward(x).dataSync());
    const s = 1 / Math.sqrt(1 + 1e-5);
    [-s, s, 0, 0].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
    ln.weight.assign(tf.tensor1d([2, 2]));
    ln.bias.assign(tf.tensor1d([1, -1]));
    const z = Array.from(ln.forward(x).dataSync());
    [1 - 2 * s, -1 + 2 * s, 1, -1].forEach((v, i) => expect(z[i]).toBeCloseTo(v, 6));
    ln.dispose();
  });
});
