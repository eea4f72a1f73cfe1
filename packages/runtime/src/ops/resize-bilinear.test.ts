import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '../testing.ts';
import { interpMatrix, resizeBilinear } from './resize-bilinear.ts';

/** Reference resize as two matmuls with the interpolation matrices (autodiff-able). */
function resizeByMatmul(x: tf.Tensor4D, h: number, w: number, alignCorners: boolean): tf.Tensor4D {
  const [N, H, W, C] = x.shape;
  const rh = tf.tensor2d(interpMatrix(H, h, alignCorners), [h, H]);
  const rw = tf.tensor2d(interpMatrix(W, w, alignCorners), [w, W]);
  const a = tf
    .matMul(rh, x.transpose([1, 0, 2, 3]).reshape([H, N * W * C]))
    .reshape([h, N, W, C])
    .transpose([1, 0, 2, 3]);
  const b = tf
    .matMul(rw, a.transpose([2, 0, 1, 3]).reshape([W, N * h * C]))
    .reshape([w, N, h, C])
    .transpose([1, 2, 0, 3]);
  return b as tf.Tensor4D;
}

describe('resizeBilinear', () => {
  const cases: [string, number[], [number, number], boolean][] = [
    ['up x4 half-pixel', [2, 5, 7, 3], [20, 28], false],
    ['down half-pixel', [1, 16, 12, 2], [5, 7], false],
    ['odd up half-pixel', [2, 7, 7, 1], [30, 17], false],
    ['up align-corners', [1, 6, 5, 2], [21, 13], true],
  ];
  it.each(cases)(
    '%s: forward equals the interpolation matrices and the gradient is exact (cpu, wasm)',
    async (_n, shape, size, ac) => {
      const data = new Rng(3).fillUniform(new Float32Array(shape.reduce((a, b) => a * b)), -1, 1);
      for (const backend of ['cpu', 'wasm'] as const) {
        await useBackend(backend);
        const before = tf.memory().numTensors;
        const [fwdDiff, gradDiff] = tf.tidy(() => {
          const x = tf.tensor4d(data, shape as [number, number, number, number]);
          const g = tf.tensor(
            new Rng(4).fillUniform(new Float32Array(shape[0] * size[0] * size[1] * shape[3]), -1, 1),
            [shape[0], size[0], size[1], shape[3]],
          );
          const ours = resizeBilinear(x, size, ac);
          const ref = resizeByMatmul(x, size[0], size[1], ac);
          const dOurs = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(resizeBilinear(a as tf.Tensor4D, size, ac), g)))(x);
          const dRef = tf.grad((a: tf.Tensor) =>
            tf.sum(tf.mul(resizeByMatmul(a as tf.Tensor4D, size[0], size[1], ac), g)),
          )(x);
          return [tf.max(tf.abs(ours.sub(ref))).dataSync()[0], tf.max(tf.abs(dOurs.sub(dRef))).dataSync()[0]];
        });
        expect(tf.memory().numTensors).toBe(before);
        expect(fwdDiff).toBeLessThanOrEqual(1e-5);
        expect(gradDiff).toBeLessThanOrEqual(1e-4);
      }
    },
  );

  it('tfjs stock ResizeBilinearGrad is wrong for half-pixel centres (why this op exists)', async () => {
    await useBackend('cpu');
    const diff = tf.tidy(() => {
      const x = tf.tensor4d(new Rng(9).fillUniform(new Float32Array(25), -1, 1), [1, 5, 5, 1]);
      const stock = tf.grad((a: tf.Tensor) => tf.sum(tf.image.resizeBilinear(a as tf.Tensor4D, [20, 20], false, true)))(
        x,
      );
      const ours = tf.grad((a: tf.Tensor) => tf.sum(resizeBilinear(a as tf.Tensor4D, [20, 20], false)))(x);
      return tf.max(tf.abs(stock.sub(ours))).dataSync()[0];
    });
    expect(diff).toBeGreaterThan(0.1);
  });
});
