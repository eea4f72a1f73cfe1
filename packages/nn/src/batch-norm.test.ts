import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { nativeKernels, prelu, setTrainKernelsEnabled, useBackend } from '@kd/runtime';
import { BatchNorm2d } from './batch-norm.ts';

const rand = (seed: number, shape: number[], mean = 0, std = 1) =>
  tf.tensor(new Rng(seed).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), mean, std), shape);

/** Exact equality, except that +0 and −0 count as equal. */
const sameValues = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i])));

describe('BatchNorm2d on wasm with the Kd* training kernels', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(nativeKernels(tf.backend())).not.toBeNull();
  });
  afterAll(() => setTrainKernelsEnabled(true));

  it('forwardPrelu in training updates the running statistics exactly as forward() then prelu', () => {
    const bns = [new BatchNorm2d(19), new BatchNorm2d(19)];
    const x = rand(10, [2, 15, 17, 19], 1, 3) as tf.Tensor4D;
    const alpha = rand(11, [19], 0.25, 0.1) as tf.Tensor1D;
    setTrainKernelsEnabled(true);
    tf.tidy(() => bns[0].forwardPrelu(x, alpha));
    setTrainKernelsEnabled(false);
    tf.tidy(() => prelu(bns[1].forward(x), alpha));
    setTrainKernelsEnabled(true);
    for (const k of ['runningMean', 'runningVar'] as const) {
      expect(sameValues(bns[0][k].dataSync() as Float32Array, bns[1][k].dataSync() as Float32Array)).toBe(true);
    }
    tf.dispose([x, alpha]);
    bns.forEach((b) => b.dispose());
  });
});
