import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@kd/runtime';
import { describe, expect, it } from 'vitest';
import { learningRate } from './lr-schedule.ts';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { Rng } from '@kd/core';
import { decayExceptNormAndBias, ScheduledOptimizer } from './optimizer.ts';

/** PyTorch's Adam (coupled weight decay) on f(x) = Σ x², the reference the spec must follow. */
function adamReference(
  x0: number[],
  steps: number,
  lr: number,
  [b1, b2]: [number, number],
  eps: number,
  wd: number,
): number[] {
  const x = [...x0],
    m = x.map(() => 0),
    v = x.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < x.length; i++) {
      const g = 2 * x[i] + wd * x[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      x[i] -= (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  }
  return x;
}

describe('ScheduledOptimizer', () => {
  it('Adam with explicit betas, ε and coupled weight decay follows the PyTorch update', async () => {
    await useBackend('cpu');
    for (const [betas, wd] of [
      [[0.9, 0.99], 0],
      [[0.9, 0.999], 5e-3],
      [[0.5, 0.9], 0.1],
    ] as [[number, number], number][]) {
      const x = tf.variable(tf.tensor1d([1, -0.5, 0.02]));
      const opt = new ScheduledOptimizer({ kind: 'adam', lr: 0.1, betas, epsilon: 1e-8, weightDecay: wd });
      const before = tf.memory().numTensors;
      for (let s = 0; s < 5; s++) opt.step(() => tf.sum(tf.square(x)) as tf.Scalar, [x], 0.1).dispose();
      const got = Array.from(x.dataSync());
      const want = adamReference([1, -0.5, 0.02], 5, 0.1, betas, 1e-8, wd);
      // float32 arithmetic vs this float64 reference: 2e-5; a wrong β2 (0.999 for 0.99) is off by > 5e-4.
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(2e-5);
      const otherBeta2 = adamReference([1, -0.5, 0.02], 5, 0.1, [betas[0], betas[1] === 0.99 ? 0.999 : 0.99], 1e-8, wd);
      expect(Math.max(...got.map((g, i) => Math.abs(g - otherBeta2[i])))).toBeGreaterThan(5e-4);
      opt.dispose();
      x.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before - 1); // only the optimizer's slots were freed
    }
  });

  it('schedules: constant, poly 0.9 and cosine, after a linear warm-up from lr/100', () => {
    expect(learningRate({ lr: 1 }, 50, 100)).toBe(1);
    expect(learningRate({ lr: 1, schedule: 'poly' }, 50, 100)).toBeCloseTo(0.5 ** 0.9, 12);
    expect(learningRate({ lr: 1, schedule: 'cosine' }, 50, 100)).toBeCloseTo(0.5, 12);
    expect(learningRate({ lr: 1, schedule: 'cosine', warmupSteps: 10 }, 0, 100)).toBeCloseTo(0.01, 12);
    expect(learningRate({ lr: 1, schedule: 'cosine', warmupSteps: 10 }, 10, 100)).toBe(1);
  });
});

describe('ScheduledOptimizer disposal', () => {
  it('leaves no tensor behind for adam, sgd and sgd with momentum (tfjs momentum forgets its lr scalar)', async () => {
    await useBackend('cpu');
    for (const spec of [
      { kind: 'adam', lr: 0.1 },
      { kind: 'sgd', lr: 0.1 },
      { kind: 'sgd', lr: 0.1, momentum: 0.9 },
    ] as const) {
      const x = tf.variable(tf.tensor1d([1, -0.5]));
      const before = tf.memory().numTensors;
      const opt = new ScheduledOptimizer(spec);
      for (let s = 0; s < 3; s++) opt.step(() => tf.sum(tf.square(x)) as tf.Scalar, [x], 0.1 / (s + 1)).dispose();
      opt.dispose();
      expect(tf.memory().numTensors, JSON.stringify(spec)).toBe(before);
      x.dispose();
    }
  });
});

/**
 * PyTorch's `SGD(momentum=m, nesterov=True, weight_decay=wd)` on f(x) = Σ x² (float64):
 * g = 2x + wd·x; buf = g at step 1, else m·buf + g; x ← x − lr_t·(g + m·buf).
 */
function nesterovReference(x0: number[], lrs: number[], m: number, wd: number): number[] {
  const x = [...x0],
    buf: number[] = [];
  lrs.forEach((lr, t) => {
    for (let i = 0; i < x.length; i++) {
      const g = 2 * x[i] + wd * x[i];
      buf[i] = t === 0 ? g : m * buf[i] + g;
      x[i] -= lr * (g + m * buf[i]);
    }
  });
  return x;
}

class TinyConvBn extends Module {
  readonly conv = this.child('conv', new Conv2d(new Rng(1, 'tiny'), 1, 2, { kernel: 1, bias: true }));
  readonly bn = this.child('bn', new BatchNorm2d(2));
}

describe('ScheduledOptimizer: YOLOX SGD', () => {
  it('Nesterov momentum with a changing lr follows PyTorch SGD(nesterov=True) on a quadratic', async () => {
    await useBackend('cpu');
    const lrs = [0.01, 0.05, 0.1, 0.02, 0.07];
    for (const wd of [0, 5e-4, 0.1]) {
      const x = tf.variable(tf.tensor1d([1, -0.5, 0.02]));
      const opt = new ScheduledOptimizer({ kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: wd });
      for (const lr of lrs) opt.step(() => tf.sum(tf.square(x)) as tf.Scalar, [x], lr).dispose();
      const got = Array.from(x.dataSync());
      const want = nesterovReference([1, -0.5, 0.02], lrs, 0.9, wd);
      for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
      // plain (heavy-ball) momentum lands elsewhere: the flag is honoured
      const y = tf.variable(tf.tensor1d([1, -0.5, 0.02]));
      const heavy = new ScheduledOptimizer({ kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: wd });
      for (const lr of lrs) heavy.step(() => tf.sum(tf.square(y)) as tf.Scalar, [y], lr).dispose();
      expect(Math.abs(y.dataSync()[0] - want[0])).toBeGreaterThan(1e-2);
      opt.dispose();
      heavy.dispose();
      tf.dispose([x, y]);
    }
  });

  it('weight decay skips norm-layer parameters and biases (decayExceptNormAndBias)', async () => {
    await useBackend('cpu');
    const m = new TinyConvBn();
    const decayed = decayExceptNormAndBias([m]);
    expect(m.namedParameters().map(([n, v]) => [n, decayed(v)])).toEqual([
      ['conv.weight', true],
      ['conv.bias', false],
      ['bn.weight', false],
      ['bn.bias', false],
    ]);
    // a zero loss: the only gradient is the decay, so θ ← θ − lr·wd·θ for decayed variables and θ stays otherwise
    const vars = m.trainableVariables();
    const before = vars.map((v) => Array.from(v.dataSync()));
    const opt = new ScheduledOptimizer({ kind: 'sgd', lr: 0.1, weightDecay: 0.5, decayed });
    const zero = () => tf.mul(tf.addN(vars.map((v) => tf.sum(v))), 0) as tf.Scalar;
    opt.step(zero, vars, 0.1).dispose();
    vars.forEach((v, i) => {
      const want = decayed(v) ? before[i].map((b) => b * (1 - 0.1 * 0.5)) : before[i];
      const got = Array.from(v.dataSync());
      for (let k = 0; k < want.length; k++) expect(got[k]).toBeCloseTo(want[k], 6);
    });
    expect(Array.from(vars[0].dataSync())).not.toEqual(before[0]);
    opt.dispose();
    m.dispose();
  });
});
