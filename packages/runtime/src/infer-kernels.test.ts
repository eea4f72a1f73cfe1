import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { inferenceKernelUsable } from './infer-kernels.ts';
import { maxAbsDiff, useBackend } from './testing.ts';

/** nn's composed graphs (activations.ts hardswish; MobileNetV3 SE's hardsigmoid gate). */
const hardswish = (x: tf.Tensor) => x.mul(tf.relu6(x.add(3))).div(6);
const gate = (x: tf.Tensor, s: tf.Tensor) => tf.mul(x, tf.clipByValue(s.mul(0.2).add(0.5), 0, 1));

/** Values on both sides of every kink: −3, 0, 3 (hard-swish) and −2.5, 2.5 (the gate's clip). */
function input(shape: number[], seed: number): Float32Array {
  const out = new Rng(seed, 'infer-kernels').fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -6, 6);
  [-3, 0, 3, -2.5, 2.5, -6, 6].forEach((k, i) => (out[i] = k));
  return out;
}

describe('inference kernels (wasm, kernels.c) against the cpu backend', () => {
  afterAll(() => useBackend('cpu'));

  it('KdHardSwish equals x·relu6(x+3)/6: bit-identical to the wasm chain, ≤ 1e-6 of cpu (odd sizes, tail lanes)', async () => {
    for (const shape of [
      [2, 17, 13, 7],
      [1, 8, 8, 16],
    ]) {
      const data = input(shape, 1);
      await useBackend('cpu');
      const xc = tf.tensor(data, shape);
      const want = hardswish(xc);
      const wantVals = want.dataSync().slice();
      tf.dispose([xc, want]);
      await useBackend('wasm');
      expect(inferenceKernelUsable('KdHardSwish')).toBe(true);
      const x = tf.tensor(data, shape);
      const got = tf.engine().runKernel('KdHardSwish', { x }, {}) as tf.Tensor;
      const chain = hardswish(x);
      expect(maxAbsDiff(got, chain)).toBe(0);
      const cpuRef = tf.tensor(wantVals, shape);
      expect(maxAbsDiff(got, cpuRef)).toBeLessThanOrEqual(1e-6);
      expect(got.dataSync().slice(0, 3)).toEqual(new Float32Array([-0, 0, 3]));
      tf.dispose([x, got, chain, cpuRef]);
    }
  });

  it('KdHardSigmoidGate equals x ⊙ clip(0.2·s + 0.5, 0, 1) per image and channel: bit-identical to the chain, ≤ 1e-6 of cpu', async () => {
    const xs = [3, 9, 11, 20];
    const ss = [3, 1, 1, 20];
    const xd = input(xs, 2);
    const sd = input(ss, 3);
    await useBackend('cpu');
    const want = tf.tidy(() => gate(tf.tensor(xd, xs), tf.tensor(sd, ss)).dataSync().slice());
    await useBackend('wasm');
    const x = tf.tensor(xd, xs);
    const s = tf.tensor(sd, ss);
    const got = tf.engine().runKernel('KdHardSigmoidGate', { x, s }, { slope: 0.2, offset: 0.5 }) as tf.Tensor;
    const chain = gate(x, s);
    expect(maxAbsDiff(got, chain)).toBe(0);
    const ref = tf.tensor(want, xs);
    expect(maxAbsDiff(got, ref)).toBeLessThanOrEqual(1e-6);
    // s = −6 (channel 5 of image 0) gates to exactly 0, s = 6 to exactly 1
    const g = got.dataSync();
    expect([Math.abs(g[5]), g[6]]).toEqual([0, xd[6]]);
    expect(() => tf.engine().runKernel('KdHardSigmoidGate', { x, s: x }, { slope: 0.2, offset: 0.5 })).toThrow(
      /expected x \[N,H,W,C\] and s \[N,1,1,C\]/,
    );
    tf.dispose([x, s, got, chain, ref]);
  });
});
