import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { l2Normalize, l2NormalizePlusEps } from './l2-normalize.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('L2 normalisation', () => {
  it('[3,4] → [0.6,0.8] along the last axis (both conventions)', () => {
    const x = tf.tensor2d([3, 4, 0, 2], [2, 2]);
    const a = Array.from(l2Normalize(x).dataSync());
    [0.6, 0.8, 0, 1].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
    const b = Array.from(l2NormalizePlusEps(x).dataSync());
    [3 / (5 + 1e-8), 4 / (5 + 1e-8), 0, 2 / (2 + 1e-8)].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 6));
    expect(Array.from(l2Normalize(x, 0).dataSync()).map((v) => +v.toFixed(6))).toEqual([1, 0.894427, 0, 0.447214]);
  });

  it('an all-zero vector gives 0 with a finite (zero) gradient', () => {
    const z = tf.zeros([1, 3]);
    expect(Array.from(l2Normalize(z).dataSync())).toEqual([0, 0, 0]);
    for (const f of [l2Normalize, l2NormalizePlusEps]) {
      const g = tf
        .grad((t) => tf.sum(f(t)))(z)
        .dataSync();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
  });
});
