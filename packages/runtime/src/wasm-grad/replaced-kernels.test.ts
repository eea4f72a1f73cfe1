import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '../testing.ts';
import { setNativeKernelsEnabled } from '../wasm-kernels/native.ts';

const rand = (seed: number, shape: number[]) =>
  tf.tensor(new Rng(seed).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 0.5, 2), shape);

/** Sum and Mean on the current backend, as plain arrays (sorted by case). */
function reductions(data: Float32Array, shape: number[], axes: number[], keepDims: boolean): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor(data, shape);
    return [
      tf.sum(x, axes, keepDims).dataSync().slice() as Float32Array,
      tf.mean(x, axes, keepDims).dataSync().slice() as Float32Array,
    ];
  });
}

describe('wasm Sum/Mean over leading axes (channel_sum) match the cpu backend', () => {
  const cases: [string, number[], number[], boolean][] = [
    ['BN moments [0,1,2], C 19', [4, 17, 15, 19], [0, 1, 2], false],
    ['BN moments keepDims, C 16', [2, 33, 31, 16], [0, 1, 2], true],
    ['global pool [1,2] keepDims, C 40', [3, 14, 13, 40], [1, 2], true],
    ['axis 0 only, C 7', [64, 9, 7], [0], false],
    ['innermost axis (stock kernel)', [2, 30, 30, 8], [3], false],
  ];
  it.each(cases)('%s', async (_n, shape, axes, keepDims) => {
    const data = new Rng(13).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 0.5, 2);
    await useBackend('cpu');
    const ref = reductions(data, shape, axes, keepDims);
    await useBackend('wasm');
    for (const native of [true, false]) {
      setNativeKernelsEnabled(native);
      try {
        const before = tf.memory().numTensors;
        const got = reductions(data, shape, axes, keepDims);
        expect(tf.memory().numTensors).toBe(before);
        got.forEach((g, k) => {
          expect(g.length).toBe(ref[k].length);
          const scale = Math.max(1, ...Array.from(ref[k], Math.abs));
          expect(Math.max(...Array.from(g, (v, i) => Math.abs(v - ref[k][i]))) / scale).toBeLessThanOrEqual(1e-5);
        });
      } finally {
        setNativeKernelsEnabled(true);
      }
    }
  });
});

describe('wasm zero-copy Identity and same-dtype Cast', () => {
  it('share the buffer, keep values, and free it only when the last reference goes', async () => {
    await useBackend('wasm');
    const before = tf.memory();
    const ids = () => tf.backend().numDataIds();
    const ids0 = ids();
    const x = rand(3, [5, 7]);
    const want = x.dataSync().slice();
    const c = tf.clone(x);
    const k = tf.cast(x, 'float32');
    expect(ids()).toBe(ids0 + 1); // one buffer behind three tensors
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual(Array.from(want));
    c.dispose();
    expect(Array.from(k.dataSync())).toEqual(Array.from(want));
    const i = tf.cast(k, 'int32'); // a real cast still converts
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual(Array.from(want, (v) => Math.trunc(v) || 0));
    tf.dispose([k, i]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(ids()).toBe(ids0);
  });
});

describe('wasm MaxPoolGrad matches the cpu backend', () => {
  // The stock kernel starts its max search at FLT_MIN (> 0), so all-negative windows misroute dy.
  const cases: [string, number[], number, number, 'valid' | 'same', number][] = [
    ['2×2/2 valid, all negative', [2, 8, 8, 5], 2, 2, 'valid', -3],
    ['2×2/2 valid, mixed signs', [1, 16, 16, 19], 2, 2, 'valid', 0],
    ['3×3/2 same (overlapping, padded)', [2, 9, 11, 4], 3, 2, 'same', -1],
    ['5×5/1 same (SPP-like)', [1, 6, 6, 3], 5, 1, 'same', -1],
  ];
  it.each(cases)('%s', async (_n, shape, k, s, pad, mean) => {
    const xs = new Rng(21).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), mean, 1);
    const grad = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xs, shape as [number, number, number, number]);
        const f = (t: tf.Tensor) => {
          const y = tf.maxPool(t as tf.Tensor4D, k, s, pad);
          return tf.sum(tf.mul(y, tf.range(1, y.size + 1).reshape(y.shape)));
        };
        return tf.grad(f)(x).dataSync().slice() as Float32Array;
      });
    await useBackend('cpu');
    const want = grad();
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const got = grad();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
