import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '../testing.ts';
import {
  dilatedConv2d,
  dilatedConv2dValid,
  dilatedDepthwiseConv2d,
  dilatedDepthwiseConv2dValid,
} from '../ops/dilated-conv.ts';
import { nativeKernels, setNativeKernelsEnabled } from '../wasm-kernels/native.ts';

type Pad = 'same' | 'valid' | number;
const rand = (rng: Rng, n: number) => rng.fillUniform(new Float32Array(n), -1, 1);
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Gradients of sum(conv(x, w) · g) w.r.t. x and w on the current backend, as plain arrays. */
function convGrads(
  kind: 'conv' | 'depthwise',
  xs: number[],
  ws: number[],
  x: Float32Array,
  w: Float32Array,
  stride: number,
  pad: Pad,
  gSeed: number,
) {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, xs as [number, number, number, number]);
    const wt = tf.tensor4d(w, ws as [number, number, number, number]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => {
      const y =
        kind === 'conv' ? tf.conv2d(a, b, stride, pad as 'same') : tf.depthwiseConv2d(a, b, stride, pad as 'same');
      const g = tf.tensor(rand(new Rng(gSeed), y.size), y.shape);
      return tf.sum(tf.mul(y, g));
    };
    const [dx, dw] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([xt, wt]);
    return [dx.dataSync().slice(), dw.dataSync().slice()];
  });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('wasm gradient kernels match the cpu backend', () => {
  const cases: [string, 'conv' | 'depthwise', number[], number[], number, Pad][] = [
    ['conv 3x3 s1 same', 'conv', [2, 9, 11, 3], [3, 3, 3, 4], 1, 'same'],
    ['conv 3x3 s2 same', 'conv', [2, 9, 11, 3], [3, 3, 3, 4], 2, 'same'],
    ['conv 3x3 s2 valid', 'conv', [2, 10, 9, 3], [3, 3, 3, 5], 2, 'valid'],
    ['conv 3x3 s2 explicit pad 1', 'conv', [2, 8, 8, 3], [3, 3, 3, 4], 2, 1],
    ['conv 1x1 s1 valid (matmul path)', 'conv', [2, 7, 5, 6], [1, 1, 6, 4], 1, 'valid'],
    ['conv 1x1 s2 same', 'conv', [2, 7, 5, 6], [1, 1, 6, 4], 2, 'same'],
    ['conv 5x5 s1 valid', 'conv', [1, 12, 12, 2], [5, 5, 2, 3], 1, 'valid'],
    ['conv 5x5 s2 same, odd input', 'conv', [2, 13, 11, 3], [5, 5, 3, 4], 2, 'same'],
    ['conv 3x3 s1 explicit pad 1', 'conv', [2, 9, 7, 5], [3, 3, 5, 6], 1, 1],
    ['conv 3x3 s3 valid', 'conv', [1, 14, 14, 2], [3, 3, 2, 3], 3, 'valid'],
    ['depthwise 3x3 s1 same', 'depthwise', [2, 9, 11, 4], [3, 3, 4, 1], 1, 'same'],
    ['depthwise 3x3 s2 same', 'depthwise', [2, 9, 11, 4], [3, 3, 4, 1], 2, 'same'],
    ['depthwise 3x3 s2 valid', 'depthwise', [2, 10, 9, 3], [3, 3, 3, 1], 2, 'valid'],
    ['depthwise 5x5 s2 explicit pad 2', 'depthwise', [2, 12, 12, 3], [5, 5, 3, 1], 2, 2],
    ['depthwise 1x1 s1 valid', 'depthwise', [2, 6, 6, 3], [1, 1, 3, 1], 1, 'valid'],
    // channel counts that hit both the 4-wide SIMD blocks and the scalar tails of kernels.c
    ['conv 3x3 s2 same, Ci 19 Co 13', 'conv', [2, 11, 10, 19], [3, 3, 19, 13], 2, 'same'],
    ['conv 1x1 s1, Ci 20 Co 7', 'conv', [3, 6, 5, 20], [1, 1, 20, 7], 1, 'valid'],
    ['depthwise 3x3 s1 same, C 19', 'depthwise', [2, 9, 8, 19], [3, 3, 19, 1], 1, 'same'],
    ['depthwise 5x5 s2 same, C 7, odd input', 'depthwise', [2, 13, 11, 7], [5, 5, 7, 1], 2, 'same'],
  ];
  it.each(cases)('%s (SIMD module and composed fallback)', async (_name, kind, xs, ws, stride, pad) => {
    const rng = new Rng(7);
    const x = rand(rng, prod(xs));
    const w = rand(rng, prod(ws));
    await useBackend('cpu');
    const [dxC, dwC] = convGrads(kind, xs, ws, x, w, stride, pad, 3);
    await useBackend('wasm');
    expect(nativeKernels(tf.backend())).not.toBeNull();
    for (const native of [true, false]) {
      setNativeKernelsEnabled(native);
      try {
        const before = tf.memory().numTensors;
        const [dxW, dwW] = convGrads(kind, xs, ws, x, w, stride, pad, 3);
        expect(tf.memory().numTensors).toBe(before);
        expect(maxDiff(dxC, dxW)).toBeLessThanOrEqual(1e-4);
        expect(maxDiff(dwC, dwW)).toBeLessThanOrEqual(1e-4);
      } finally {
        setNativeKernelsEnabled(true);
      }
    }
  });
});

/** Zero-inserted kernel: the dilated conv as an ordinary one (whose gradient tfjs has). */
function expandKernel(w: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  const a = w.reshape([kh, 1, kw, 1, ci, co]).pad([
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, 0],
  ]);
  return a
    .reshape([kh * d, kw * d, ci, co])
    .slice([0, 0, 0, 0], [(kh - 1) * d + 1, (kw - 1) * d + 1, ci, co]) as tf.Tensor4D;
}

describe('dilated conv ops: exact gradients on cpu and wasm', () => {
  // [name, kind, x shape, w shape, dilation, padding (-1 = the *Valid entry point)]
  const cases: [string, 'conv' | 'depthwise', number[], number[], number, number][] = [
    ['conv 3x3 d2 valid', 'conv', [2, 13, 11, 3], [3, 3, 3, 4], 2, -1],
    ['conv 3x3 d5 valid', 'conv', [1, 16, 17, 2], [3, 3, 2, 3], 5, -1],
    ['conv 3x3 d2 same (pad 2)', 'conv', [2, 9, 7, 3], [3, 3, 3, 4], 2, 2],
    ['conv 3x3 d6 same on a map smaller than the dilation (ASPP)', 'conv', [2, 4, 5, 3], [3, 3, 3, 2], 6, 6],
    ['conv 3x3 d2 pad 5 > (K-1)d', 'conv', [1, 6, 6, 2], [3, 3, 2, 2], 2, 5],
    ['depthwise 3x3 d2 valid', 'depthwise', [2, 12, 10, 3], [3, 3, 3, 1], 2, -1],
    ['depthwise 3x3 d4 valid', 'depthwise', [1, 15, 15, 2], [3, 3, 2, 1], 4, -1],
    ['depthwise 3x3 d4 same (pad 4)', 'depthwise', [2, 7, 9, 3], [3, 3, 3, 1], 4, 4],
  ];
  it.each(cases)('%s', async (_n, kind, xs, ws, d, pad) => {
    const rng = new Rng(11);
    const x = rand(rng, prod(xs));
    const w = rand(rng, prod(ws));
    const run = (reference: boolean) =>
      tf.tidy(() => {
        const xt = tf.tensor4d(x, xs as [number, number, number, number]);
        const wt = tf.tensor4d(w, ws as [number, number, number, number]);
        const f = (a: tf.Tensor4D, b: tf.Tensor4D) => {
          let y: tf.Tensor4D;
          const p = Math.max(pad, 0);
          const ap =
            p > 0
              ? (tf.pad(a, [
                  [0, 0],
                  [p, p],
                  [p, p],
                  [0, 0],
                ]) as tf.Tensor4D)
              : a;
          if (reference)
            y =
              kind === 'conv'
                ? tf.conv2d(ap, expandKernel(b, d), 1, 'valid')
                : tf.depthwiseConv2d(ap, expandKernel(b, d), 1, 'valid');
          else if (pad < 0) y = kind === 'conv' ? dilatedConv2dValid(a, b, d) : dilatedDepthwiseConv2dValid(a, b, d);
          else y = kind === 'conv' ? dilatedConv2d(a, b, d, pad) : dilatedDepthwiseConv2d(a, b, d, pad);
          const g = tf.tensor(rand(new Rng(5), y.size), y.shape);
          return tf.sum(tf.mul(y, g));
        };
        const [dx, dw] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([xt, wt]);
        return [dx.dataSync().slice(), dw.dataSync().slice()];
      });
    await useBackend('cpu');
    const [dxR, dwR] = run(true);
    const [dxC, dwC] = run(false);
    expect(maxDiff(dxR, dxC)).toBeLessThanOrEqual(1e-4);
    expect(maxDiff(dwR, dwC)).toBeLessThanOrEqual(1e-4);
    await useBackend('wasm');
    const [dxW, dwW] = run(false);
    expect(maxDiff(dxR, dxW)).toBeLessThanOrEqual(1e-4);
    expect(maxDiff(dwR, dwW)).toBeLessThanOrEqual(1e-4);
  });
});
