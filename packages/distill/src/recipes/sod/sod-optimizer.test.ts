import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { Rng } from '@kd/core';
import { createModel, type KdModel } from '@kd/models';
import { BatchNorm2d } from '@kd/nn';
import { learningRate } from '../../lr-schedule.ts';
import { ScheduledOptimizer } from '../../optimizer.ts';
import { SOD_RECIPE_DEFAULTS } from './sod-recipe-keys.ts';
import { sodOptimizer } from './sod-optimizer.ts';

const SGD = { ...SOD_RECIPE_DEFAULTS, optimizer: 'sgd' };

beforeAll(async () => {
  await useBackend('cpu');
});

describe('sodOptimizer: KD-SCFNet’s Paddle Momentum (METHODS §1.3)', () => {
  let model: KdModel;
  let spec: ReturnType<typeof sodOptimizer>;
  beforeAll(() => {
    model = createModel('scfnet-mbv3-x0.5', { rng: new Rng(1), weights: 'none' }) as KdModel;
    spec = sodOptimizer(model, SGD, 0.064, 83);
  });

  it('momentum 0.9, coupled wd 5e-4, linear warm-up from 6.4e-4 over 5 epochs, cosine to 6.4e-4', () => {
    expect([spec.kind, spec.momentum, spec.weightDecay, spec.schedule, spec.warmupSteps]).toEqual([
      'sgd',
      0.9,
      5e-4,
      'cosine',
      415,
    ]);
    const total = 69 * 83;
    expect(learningRate(spec, 0, total)).toBeCloseTo(6.4e-4, 12);
    expect(learningRate(spec, 415, total)).toBeCloseTo(0.064, 12);
    expect(learningRate(spec, total, total)).toBeCloseTo(6.4e-4, 12);
    // half-way through the cosine: (0.064 + 6.4e-4)/2
    expect(learningRate(spec, 415 + (total - 415) / 2, total)).toBeCloseTo(0.03232, 10);
  });

  it('backbone lr ×0.1 and no decay on backbone BN; decoder BN, backbone convs and heads decayed at ×1', () => {
    const backbone = (model as unknown as { bkbone: { namedParameters(): [string, tf.Variable][] } }).bkbone;
    const inBackbone = new Set(backbone.namedParameters().map(([, v]) => v));
    const bnNames: string[] = [];
    for (const [name, m] of model.modules()) if (m instanceof BatchNorm2d) bnNames.push(name);
    const params = model.namedParameters();
    const byName = new Map(params);
    const bbBn = params.filter(([n]) => n.startsWith('bkbone.') && bnNames.some((b) => n.startsWith(`${b}.`)));
    const decBn = params.filter(([n]) => !n.startsWith('bkbone.') && bnNames.some((b) => n.startsWith(`${b}.`)));
    expect(bbBn.length).toBeGreaterThan(0);
    expect(decBn.length).toBeGreaterThan(0);
    expect(bbBn.every(([, v]) => !spec.decayed!(v) && spec.lrScale!(v) === 0.1)).toBe(true);
    expect(decBn.every(([, v]) => spec.decayed!(v) && spec.lrScale!(v) === 1)).toBe(true);
    const conv = byName.get(
      params.find(([n]) => n.startsWith('bkbone.') && n.endsWith('weight') && !bbBn.some(([b]) => b === n))![0],
    )!;
    expect([spec.decayed!(conv), spec.lrScale!(conv)]).toEqual([true, 0.1]);
    expect(
      params.filter(([, v]) => inBackbone.has(v)).length + params.filter(([, v]) => !inBackbone.has(v)).length,
    ).toBe(params.length);
  });

  it('adam keeps the old recipe: Adam at a constant lr', () => {
    expect(sodOptimizer(model, SOD_RECIPE_DEFAULTS, 0.002, 5, [0.9, 0.99])).toEqual({
      kind: 'adam',
      lr: 0.002,
      betas: [0.9, 0.99],
    });
  });

  it('adam_schedule cosine: Adam on the warm-up + cosine lr, no decay or multipliers (the quick table-sod recipe)', () => {
    const keys = { ...SOD_RECIPE_DEFAULTS, adam_schedule: 'cosine', warmup_epochs: 0, min_lr_ratio: 0.01 };
    const adam = sodOptimizer(model, keys, 0.002, 5, [0.9, 0.999]);
    expect(adam).toEqual({
      kind: 'adam',
      lr: 0.002,
      betas: [0.9, 0.999],
      schedule: 'cosine',
      warmupSteps: 0,
      warmupFrom: 0.01,
      floor: 0.01,
    });
    const want = [0.002, 0.00101, 0.00002];
    [0, 300, 600].forEach((s, i) => expect(learningRate(adam, s, 600)).toBeCloseTo(want[i], 12));
  });
});

describe('OptimizerSpec.lrScale', () => {
  it('momentum SGD with lrScale k on a variable = the same SGD at lr·k on it (3 steps, coupled wd)', () => {
    const run = (lr: number, scale: number | null) => {
      const v = tf.variable(tf.tensor1d([1, -2, 0.5]), true, `v${lr}-${scale}`);
      const opt = new ScheduledOptimizer({
        kind: 'sgd',
        lr,
        momentum: 0.9,
        weightDecay: 0.1,
        ...(scale === null ? {} : { lrScale: () => scale }),
      });
      for (let i = 0; i < 3; i++)
        opt
          .step(
            () =>
              v
                .square()
                .sum()
                .mul(i + 1) as tf.Scalar,
            [v],
            lr,
          )
          .dispose();
      const out = Array.from(v.dataSync());
      opt.dispose();
      v.dispose();
      return out;
    };
    const scaled = run(0.05, 0.1),
      plain = run(0.005, null);
    scaled.forEach((x, i) => expect(x).toBeCloseTo(plain[i], 6));
    expect(scaled[0]).not.toBeCloseTo(run(0.05, null)[0], 3);
  });
});
