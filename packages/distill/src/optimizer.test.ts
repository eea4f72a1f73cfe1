import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@kd/runtime';
import { describe, expect, it } from 'vitest';
import { learningRate } from './lr-schedule.ts';
import { ScheduledOptimizer } from './optimizer.ts';

/** PyTorch's Adam (coupled weight decay) on f(x) = Σ x², the reference the spec must follow. */
function adamReference(x0: number[], steps: number, lr: number, [b1, b2]: [number, number], eps: number, wd: number): number[] {
  const x = [...x0], m = x.map(() => 0), v = x.map(() => 0);
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
    for (const [betas, wd] of [[[0.9, 0.99], 0], [[0.9, 0.999], 5e-3], [[0.5, 0.9], 0.1]] as [[number, number], number][]) {
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
    for (const spec of [{ kind: 'adam', lr: 0.1 }, { kind: 'sgd', lr: 0.1 }, { kind: 'sgd', lr: 0.1, momentum: 0.9 }] as const) {
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
