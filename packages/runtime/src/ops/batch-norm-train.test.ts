import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '../testing.ts';
import { batchNormTrain } from './batch-norm-train.ts';

describe('batchNormTrain', () => {
  it.each(['cpu', 'wasm'] as const)(
    'matches tfjs batchNorm through tf.moments, value and all gradients (%s)',
    async (backend) => {
      await useBackend(backend);
      const rng = new Rng(21);
      const shape: [number, number, number, number] = [3, 5, 4, 6];
      const xd = rng.fillNormal(new Float32Array(3 * 5 * 4 * 6), 0.5, 2);
      const gd = rng.fillUniform(new Float32Array(6), 0.5, 1.5);
      const bd = rng.fillUniform(new Float32Array(6), -1, 1);
      const wd = rng.fillUniform(new Float32Array(xd.length), -1, 1);
      const before = tf.memory().numTensors;
      const diffs = tf.tidy(() => {
        const x = tf.tensor4d(xd, shape),
          g = tf.tensor1d(gd),
          b = tf.tensor1d(bd),
          w = tf.tensor4d(wd, shape);
        const ref = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.sum(
            tf.mul(tf.batchNorm(a as tf.Tensor4D, mean, variance, bb as tf.Tensor1D, gg as tf.Tensor1D, 1e-5), w),
          );
        };
        const ours = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5), w));
        const r = tf.grads(ref)([x, g, b]);
        const o = tf.grads(ours)([x, g, b]);
        return [
          Math.abs(ref(x, g, b).dataSync()[0] - ours(x, g, b).dataSync()[0]),
          ...r.map((t, i) => tf.max(tf.abs(t.sub(o[i]))).dataSync()[0]),
        ];
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(diffs[0]).toBeLessThan(1e-3);
      for (const d of diffs.slice(1)) expect(d).toBeLessThan(1e-4);
    },
  );
});
