import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { afterAll, describe, expect, it } from 'vitest';
import { adamKernelUsable, adamUpdate, type AdamHyper } from './adam-kernel.ts';
import { useBackend } from './testing.ts';

/** tfjs AdamOptimizer.applyGradients' chain for one variable (adam_optimizer.ts), with the trainer's decay and scale ops. */
function composed(
  x: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g0: tf.Tensor,
  acc1: tf.Tensor,
  acc2: tf.Tensor,
  h: AdamHyper,
  decay: number,
  scale: number,
) {
  return tf.tidy(() => {
    let g = decay !== 0 ? g0.add(x.mul(decay)) : g0;
    if (scale !== 1) g = g.mul(scale);
    const m2 = tf.add(tf.mul(m, h.beta1), tf.mul(g, 1 - h.beta1));
    const v2 = tf.add(tf.mul(v, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
    const bm = tf.div(m2, tf.sub(1, acc1));
    const bv = tf.div(v2, tf.sub(1, acc2));
    const x2 = tf.add(tf.mul(tf.div(bm, tf.add(tf.sqrt(bv), h.epsilon)), -h.learningRate), x);
    return [x2, m2, v2];
  });
}

const bytes = (t: tf.Tensor) => new Uint8Array((t.dataSync() as Float32Array).slice().buffer);

describe('KdAdam (kernels.c adam_update) on wasm', () => {
  afterAll(() => useBackend('cpu'));

  it('is bit-identical to tfjs Adam’s composed kernels for odd sizes, in one call for 7 variables, with decay and scale', async () => {
    await useBackend('wasm');
    expect(adamKernelUsable()).toBe(true);
    const rng = new Rng(7, 'adam-kernel');
    const shapes = [[], [1], [3], [5], [2, 3, 7], [4, 4, 3, 9], [1027]];
    const rand = (n: number, s: number) => rng.fillNormal(new Float32Array(n), 0, s);
    const items = shapes.map((shape, i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = Float32Array.from(rand(n, 1e-3), Math.abs);
      if (n > 2) v[1] = 0; // v = 0 and g = 0: √0 + ε in the denominator
      const g = rand(n, 0.5);
      if (n > 2) g[1] = 0;
      return {
        x: tf.tensor(rand(n, 0.01), shape), // θ of the step's size: a 1-ulp error in the step shows in θ'
        m: tf.tensor(rand(n, 0.01), shape),
        v: tf.tensor(v, shape),
        g: tf.tensor(g, shape),
        decay: [0, 5e-4, 0, 0.1, 1e-4, 0, 0][i],
        scale: [1, 1, 0.1, 3, 0.1, 1, 1][i],
      };
    });
    const acc1 = tf.scalar(0.9 ** 3);
    const acc2 = tf.scalar(0.999 ** 3);
    const h: AdamHyper = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 1e-2 };
    const before = tf.memory().numTensors;
    const got = adamUpdate(items, acc1, acc2, h);
    expect(tf.memory().numTensors - before).toBe(3 * shapes.length);
    items.forEach((it, i) => {
      const want = composed(it.x, it.m, it.v, it.g, acc1, acc2, h, it.decay, it.scale);
      for (let k = 0; k < 3; k++) {
        expect(got[i][k].shape).toEqual(shapes[i]);
        expect(bytes(got[i][k]), `variable ${i} output ${k}`).toEqual(bytes(want[k]));
      }
      // the step moved θ (the comparison is not between two unchanged copies)
      expect(bytes(got[i][0])).not.toEqual(bytes(it.x));
      tf.dispose(want);
    });
    // variable 0 against the float64 update: within 1e-6 relative (float32 rounding of ~10 operations)
    const [x0, m0, v0, g0] = [items[0].x, items[0].m, items[0].v, items[0].g].map((t) => t.dataSync()[0]);
    const m1 = 0.9 * m0 + 0.1 * g0,
      v1 = 0.999 * v0 + 0.001 * g0 * g0;
    const want0 = x0 - (1e-2 * (m1 / (1 - 0.9 ** 3))) / (Math.sqrt(v1 / (1 - 0.999 ** 3)) + 1e-7);
    expect(Math.abs(got[0][0].dataSync()[0] - want0)).toBeLessThan(1e-6 * Math.abs(want0));
    tf.dispose(got.flat());
    tf.dispose([acc1, acc2, ...items.flatMap((it) => [it.x, it.m, it.v, it.g])]);
  });

  it('names the input whose shape differs from its variable', async () => {
    await useBackend('wasm');
    const [x, m, v, g, acc] = [[3], [3], [3], [4], []].map((s) => tf.zeros(s));
    const h: AdamHyper = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 1e-3 };
    expect(() => adamUpdate([{ x, m, v, g }], acc, acc, h)).toThrow("KdAdam: g0 has shape [4], expected x0's [3]");
    tf.dispose([x, m, v, g, acc]);
  });

  it('is unusable on cpu and under KD_FUSED_ADAM=0', async () => {
    await useBackend('cpu');
    expect(adamKernelUsable()).toBe(false);
    await useBackend('wasm');
    const saved = process.env.KD_FUSED_ADAM;
    process.env.KD_FUSED_ADAM = '0';
    try {
      expect(adamKernelUsable()).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.KD_FUSED_ADAM;
      else process.env.KD_FUSED_ADAM = saved;
    }
    if (saved !== '0') expect(adamKernelUsable()).toBe(true);
  });
});
