import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '../testing.ts';
import { batchNormPreluTrain, batchNormTrain } from '../ops/batch-norm-train.ts';
import { prelu } from '../ops/prelu.ts';
import { avgPoolK, maxPoolK } from '../ops/pool.ts';
import { resizeBilinear } from '../ops/resize-bilinear.ts';
import { nativeKernels, setNativeKernelsEnabled } from '../wasm-kernels/native.ts';
import { setTrainKernelsEnabled, trainKernelsUsable } from './train-kernels.ts';

const rand = (seed: number, shape: number[], mean = 0, std = 1) =>
  tf.tensor(new Rng(seed).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), mean, std), shape);

/** Value and all input gradients of sum(f(inputs) · w) as plain arrays. */
function valueAndGrads(f: (...a: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const y = f(...inputs);
    const w = rand(seed, y.shape);
    const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(inputs);
    return [y, ...g].map((t) => t.dataSync().slice() as Float32Array);
  });
}

/** Runs `run` with the Kd* kernels on and off (composed tfjs graphs); both on wasm with channel_sum. */
function fusedAndComposed<T>(run: () => T): [T, T] {
  setTrainKernelsEnabled(true);
  const fused = run();
  setTrainKernelsEnabled(false);
  try {
    return [fused, run()];
  } finally {
    setTrainKernelsEnabled(true);
  }
}

/** Exact equality, except that +0 and −0 count as equal. */
const sameValues = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i])));

describe('wasm training kernels (BatchNorm, PReLU, pooling, resize, depthwise): same values as the tfjs graphs they replace', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(nativeKernels(tf.backend())).not.toBeNull();
  });
  afterAll(() => setTrainKernelsEnabled(true));

  // odd M (= N·H·W), channel counts hitting the 16-blocks, 4-blocks, the shifted tail block and C < 4
  const shapes: [number, number, number, number][] = [
    [3, 37, 13, 5],
    [2, 21, 17, 16],
    [1, 45, 23, 19],
    [2, 9, 11, 33],
    [3, 31, 17, 4],
    [3, 37, 41, 3],
    [2, 33, 31, 7],
  ];

  it.each(shapes)('batchNormTrain [%i,%i,%i,%i]: value, dx, dγ, dβ and moments bit-identical', (...shape) => {
    const C = shape[3];
    const inputs = [rand(1, shape, 0.3, 2), rand(2, [C], 1, 0.3), rand(3, [C], 0, 0.5)];
    expect(trainKernelsUsable(inputs[0])).toBe(true);
    const moments: Float32Array[][] = [];
    const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      batchNormTrain(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, (m, v) =>
        moments.push([m.dataSync().slice() as Float32Array, v.dataSync().slice() as Float32Array]),
      );
    const before = tf.memory().numTensors;
    const [fused, composed] = fusedAndComposed(() => valueAndGrads(f, inputs, 4));
    expect(tf.memory().numTensors).toBe(before);
    fused.forEach((a, i) => expect(sameValues(a, composed[i]), `output ${i}`).toBe(true));
    const half = moments.length / 2;
    for (let i = 0; i < half; i++) moments[i].forEach((a, k) => expect(sameValues(a, moments[half + i][k])).toBe(true));
    tf.dispose(inputs);
  });

  it.each(shapes)(
    'batchNormPreluTrain [%i,%i,%i,%i] = prelu(batchNormTrain(…)): value and all gradients bit-identical',
    (...shape) => {
      const C = shape[3];
      const inputs = [rand(5, shape, 0.3, 2), rand(6, [C], 1, 0.3), rand(7, [C], 0, 0.5), rand(8, [C], 0.25, 0.1)];
      const f = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, a: tf.Tensor) =>
        batchNormPreluTrain(x as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, a as tf.Tensor1D, 1e-5);
      const [fused, composed] = fusedAndComposed(() => valueAndGrads(f, inputs, 9));
      fused.forEach((a, i) => expect(sameValues(a, composed[i]), `output ${i}`).toBe(true));
      tf.dispose(inputs);
    },
  );

  it.each(shapes)('prelu [%i,%i,%i,%i]: dx and dα bit-identical', (...shape) => {
    const inputs = [rand(12, shape), rand(13, [shape[3]], 0.25, 0.1)];
    const f = (x: tf.Tensor, a: tf.Tensor) => prelu(x, a as tf.Tensor1D);
    const [fused, composed] = fusedAndComposed(() => valueAndGrads(f, inputs, 14));
    fused.forEach((a, i) => expect(sameValues(a, composed[i]), `output ${i}`).toBe(true));
    tf.dispose(inputs);
  });

  it.each([
    [2, 2, 33, 35, 5],
    [2, 2, 32, 32, 19],
    [4, 1, 45, 51, 3],
    [2, 3, 40, 41, 8],
  ])(
    'k×k pooling, k %i, [%i,%i,%i,%i] (odd sizes, negative windows, ties): max value and both gradients as the cpu backend',
    async (k, ...shape) => {
      const xs = new Rng(15).fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), -1, 1);
      // ties inside windows: the first maximum wins
      for (let i = 0; i < xs.length; i += 7) xs[i] = xs[i + 1] ?? xs[i];
      const run = () =>
        [maxPoolK, avgPoolK].map((op) =>
          tf.tidy(() => {
            const x = tf.tensor4d(xs, shape as [number, number, number, number]);
            const y = op(x, k);
            const w = tf.range(1, y.size + 1).reshape(y.shape);
            return [y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D, k), w)))(x)].map(
              (t) => t.dataSync().slice() as Float32Array,
            );
          }),
        );
      expect(tf.tidy(() => trainKernelsUsable(tf.zeros(shape)))).toBe(true);
      const got = run();
      await useBackend('cpu');
      const want = run();
      await useBackend('wasm');
      // (the average itself is rounded differently by the two backends: compare its gradient only)
      got.forEach((g, i) =>
        g.forEach(
          (a, j) =>
            (i === 1 && j === 0) ||
            expect(sameValues(a, want[i][j]), `${i ? 'avg' : 'max'} ${j ? 'grad' : 'value'}`).toBe(true),
        ),
      );
    },
  );

  it.each([
    [
      [2, 12, 11, 5],
      [24, 22],
    ],
    [
      [2, 24, 24, 1],
      [48, 48],
    ],
    [
      [3, 10, 10, 7],
      [40, 20],
    ],
    [
      [2, 16, 12, 9],
      [16, 24],
    ],
  ])('resizeBilinear %j → %j: gradient equals the two-matmul form', (shape, size) => {
    for (const alignCorners of [false, true]) {
      const x = rand(16, shape as number[]);
      const f = (t: tf.Tensor) => resizeBilinear(t as tf.Tensor4D, size as [number, number], alignCorners);
      const [fused, composed] = fusedAndComposed(() => valueAndGrads(f, [x], 17));
      fused.forEach((a, i) => expect(sameValues(a, composed[i]), `output ${i}`).toBe(true));
      x.dispose();
    }
  });

  it.each([
    [2, 13, 11, 4],
    [2, 9, 10, 10],
    [1, 20, 7, 19],
    [2, 6, 5, 2],
  ])('stride-1 depthwise 3×3 forward [%i,%i,%i,%i] (same/valid/explicit pad) equals XNNPACK', (...shape) => {
    const x = rand(18, shape) as tf.Tensor4D;
    const w = rand(19, [3, 3, shape[3], 1]) as tf.Tensor4D;
    for (const pad of ['same', 'valid', 1, 2] as const) {
      const run = () =>
        tf.tidy(() =>
          [
            tf.depthwiseConv2d(x, w, 1, pad as 'same'),
            tf.fused.depthwiseConv2d({ x, filter: w, strides: 1, pad: pad as 'same' }),
          ].map((t) => t.dataSync().slice() as Float32Array),
        );
      setNativeKernelsEnabled(true);
      const ours = run();
      setNativeKernelsEnabled(false);
      const stock = run();
      setNativeKernelsEnabled(true);
      ours.forEach((a, i) => expect(sameValues(a, stock[i]), `pad ${pad}`).toBe(true));
    }
    tf.dispose([x, w]);
  });

  it('Concat and SplitV on the channel axis are exact copies', () => {
    const parts = [rand(20, [2, 5, 7, 1]), rand(21, [2, 5, 7, 6]), rand(22, [2, 5, 7, 3])];
    const got = tf.tidy(() => {
      const c = tf.concat(parts, 3);
      const back = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tf.concat([t, parts[1], parts[2]], 3), tf.range(0, c.size).reshape(c.shape))),
      )(parts[0]);
      return [c, back, ...tf.split(c, [1, 6, 3], 3)].map((t) => t.dataSync().slice() as Float32Array);
    });
    const ref = [new Float32Array(2 * 5 * 7 * 10), new Float32Array(2 * 5 * 7)];
    const p = parts.map((t) => t.dataSync());
    for (let r = 0; r < 70; r++) {
      ref[0].set(p[0].subarray(r, r + 1), r * 10);
      ref[0].set(p[1].subarray(r * 6, r * 6 + 6), r * 10 + 1);
      ref[0].set(p[2].subarray(r * 3, r * 3 + 3), r * 10 + 7);
      ref[1][r] = r * 10;
    }
    expect(sameValues(got[0], ref[0])).toBe(true);
    expect(sameValues(got[1], ref[1])).toBe(true);
    parts.forEach((t, i) => expect(sameValues(got[2 + i], t.dataSync() as Float32Array)).toBe(true));
    tf.dispose(parts);
  });

  it('1×1 conv gradients equal the matmuls they replace (dx: 48-wide blocks over Co, dW: one sum over N·H·W)', () => {
    for (const [ci, co] of [
      [11, 60],
      [60, 11],
      [5, 100],
      [3, 1],
      [19, 48],
    ]) {
      const x = rand(23, [2, 9, 7, ci]) as tf.Tensor4D;
      const w = rand(24, [1, 1, ci, co]) as tf.Tensor4D;
      const dy = rand(25, [2, 9, 7, co]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid'), dy)),
      )([x, w]);
      const dxRef = tf.matMul(dy.reshape([-1, co]), w.reshape([ci, co]), false, true); // the stock transposeB matmul
      const dwRef = tf.matMul(x.reshape([-1, ci]).transpose(), dy.reshape([-1, co]));
      expect(sameValues(dx.dataSync() as Float32Array, dxRef.dataSync() as Float32Array), `dx ${ci}→${co}`).toBe(true);
      expect(sameValues(dw.dataSync() as Float32Array, dwRef.dataSync() as Float32Array), `dW ${ci}→${co}`).toBe(true);
      tf.dispose([x, w, dy, dx, dw, dxRef, dwRef]);
    }
  });
});
