import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { createModel } from '@kd/models';
import { useBackend } from '@kd/runtime';
import { learningRate } from '../../lr-schedule.ts';
import { changedYoloxKeys, YOLOX_RECIPE_DEFAULTS, yoloxEma, yoloxKeys, yoloxPlan, yoloxSgd } from './yolox-recipe.ts';

describe('det recipe YOLOX keys', () => {
  it('default to the quick recipe (Adam, no Mosaic/MixUp/EMA/L1) and refuse unknown values', () => {
    expect(yoloxKeys({})).toEqual(YOLOX_RECIPE_DEFAULTS);
    expect(changedYoloxKeys({ lr: 1 })).toEqual({});
    expect(changedYoloxKeys({ mosaic: true, ema: 1e-4 })).toEqual({ mosaic: true, ema: 1e-4 });
    expect(yoloxPlan(yoloxKeys({}))).toEqual({ mosaic: false, mixup: false, noAugEpochs: 0 });
    expect(yoloxEma(yoloxKeys({}))).toBeUndefined();
    expect(() => yoloxKeys({ optimizer: 'yolox' })).toThrow(/optimizer must be adam or sgd, got 'yolox'/);
    expect(() => yoloxKeys({ ema: 1 })).toThrow(/ema must be in \[0, 1\)/);
  });

  it("the paper's values give YOLOX SGD (Nesterov 0.9, wd 5e-4 off norm/bias), its lr curve, and EMA decay 0.9999 over 2000 steps", async () => {
    await useBackend('cpu');
    const keys = yoloxKeys({ optimizer: 'sgd', no_aug_epochs: 15, ema: 1e-4, mosaic: true, mixup: true });
    const m = createModel('yolox-tiny', { rng: new Rng(1), numClasses: 2, width: 0.125 });
    const spec = yoloxSgd(0.01, keys, 10, [m]);
    expect({ ...spec, decayed: undefined }).toEqual({
      kind: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      nesterov: true,
      weightDecay: 5e-4,
      decayed: undefined,
      schedule: 'yolox',
      warmupSteps: 50,
      flatSteps: 150,
      floor: 0.05,
    });
    const named = m.namedParameters();
    const exempt = named.filter(([, v]) => !spec.decayed!(v)).map(([n]) => n);
    expect(exempt.length).toBeGreaterThan(0);
    expect(exempt.every((n) => n.endsWith('.bias') || /\.bn\./.test(n))).toBe(true);
    expect(named.filter(([, v]) => spec.decayed!(v)).every(([, v]) => v.rank === 4)).toBe(true);
    // 120 epochs × 10 steps: warm-up, cosine, flat min lr
    expect([25, 50, 1100].map((k) => learningRate(spec, k, 1200))).toEqual([0.0025, 0.01, 0.0005]);
    expect(yoloxEma(keys)).toEqual({ decay: 1 - 1e-4, ramp: 2000 });
    expect(yoloxPlan(keys)).toEqual({ mosaic: true, mixup: true, noAugEpochs: 15 });
    m.dispose();
  });
});
