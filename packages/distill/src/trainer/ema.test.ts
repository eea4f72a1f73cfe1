import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { crossEntropyIgnore } from '@kd/losses';
import { createModel } from '@kd/models';
import type { Module } from '@kd/nn';
import { emaDecay } from './ema.ts';
import { loaderSource } from './step-source.ts';
import { segSource } from './testing/seg-source.ts';
import { train } from './trainer.ts';

const snapshot = (m: Module) => new Map([...m.stateDict()].map(([k, v]) => [k, Float64Array.from(v.dataSync())]));

describe('weight EMA', () => {
  it("decay follows mmdet's ExpMomentumEMAHook(momentum 1e-4, total_iter 2000) = YOLOX ModelEMA", () => {
    const spec = { decay: 0.9999, ramp: 2000 };
    // mmdet: μ(i) = (1 − m)·exp(−(1 + i)/T) + m at 0-based iteration i; our d_k = 1 − μ(k − 1).
    for (const k of [1, 2, 100, 2000, 20000]) {
      const mu = (1 - 1e-4) * Math.exp(-k / 2000) + 1e-4;
      expect(emaDecay(spec, k)).toBeCloseTo(1 - mu, 14);
    }
    expect(emaDecay(spec, 1)).toBeCloseTo(0.9999 * (1 - Math.exp(-1 / 2000)), 15); // ≈ 4.999e-4: the average follows θ at first
    expect(emaDecay(spec, 2000)).toBeCloseTo(0.9999 * (1 - Math.exp(-1)), 15); // ≈ 0.63206
  });

  it('after k steps the model holds the formula applied to the recorded weights (parameters and BN buffers)', async () => {
    await useBackend('cpu');
    const model = createModel('fcn-mbv2-os16', { rng: new Rng(4), numClasses: 3, width: 0.25 });
    const spec = { decay: 0.9, ramp: 2 };
    const ema = snapshot(model); // θ_0: the shadow starts as a copy
    let last = ema;
    const before = tf.memory().numTensors;
    await train({
      model,
      source: loaderSource(segSource(3)),
      epochs: 2,
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true },
      task: (s, b) => crossEntropyIgnore(s.outputs[0], b.label!),
      ema: spec,
      callbacks: [
        {
          onStep: ({ step }) => {
            const d = emaDecay(spec, step);
            last = snapshot(model);
            for (const [k, v] of ema) for (let i = 0; i < v.length; i++) v[i] = d * v[i] + (1 - d) * last.get(k)![i];
          },
        },
      ],
    });
    expect(tf.memory().numTensors).toBe(before); // the shadow copies are freed at the end
    let maxErr = 0,
      maxMove = 0;
    for (const [k, v] of snapshot(model)) {
      for (let i = 0; i < v.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(v[i] - ema.get(k)![i]));
        maxMove = Math.max(maxMove, Math.abs(v[i] - last.get(k)![i]));
      }
    }
    expect(maxErr).toBeLessThan(1e-5); // float32 vs this float64 reference
    expect(maxMove).toBeGreaterThan(1e-3); // and the average is not simply the last weights
    model.dispose();
  });
});
