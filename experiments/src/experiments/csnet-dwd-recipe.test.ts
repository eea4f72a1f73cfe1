import { describe, expect, it } from 'vitest';
import { expandSweep } from '@kd/sweep';
import { csnetDwd } from './csnet-dwd.ts';

/**
 * CSNet's training recipe (METHODS §2.3–§2.5: train.py, configs/csnet-L-x2_train.yml, test.py),
 * written from METHODS as config keys of the csnet-dwd recipe.
 */
const PAPER_RECIPE: Record<string, string | number | boolean> = {
  /** DUTS-TR, 224×224 non-aspect-preserving resize, batch 24, 8 workers (drop_last is the train loader's default). */
  data: 'DUTS-TR',
  size: 224,
  batch: 24,
  workers: 8,
  /** Random border crop (0–14 px off top/left, 1–15 px off bottom/right), then p 0.5 a horizontal or vertical flip. */
  augment: 'csnet',
  /** ImageNet mean and std on [0,1] RGB. */
  normalize: 'imagenet',
  /** Adam (β1 0.9, β2 0.99, ε 1e-8), lr 1e-4. */
  lr: 1e-4,
  adam_beta2: 0.99,
  adam_eps: 1e-8,
  /** MultiStepLR ×0.1 at epochs 200 and 250 of 300, from scratch. */
  epochs: 300,
  lr_schedule: 'multistep',
  student_backbone_weights: 'none',
  /** Coupled weight decay 5e-3 except the DWD γ; the intended filter (conv1x1, conv3x3_1, conv3x3_2) by default. */
  weight_decay: 5e-3,
  no_decay_filter: 'intended',
  /** Validation: MAE on ECSSD at the original resolution (σ → bilinear resize → 8 bit → L1). */
  val: 'ECSSD',
  eval_resolution: 'original',
  /** CSNet's metric tool (SalMetric). */
  metric: 'salmetric',
  /** Test benchmarks (test.py: DUTS-TE, ECSSD, HKU-IS, DUT-OMRON, PASCAL-S, …) at the GT's resolution, where found. */
  benchmarks: 'all',
};

/** The DWD row: BCE + 3.0·DWD (`csnet-dwd` loss), pruned at |γ| < 1e-20 (finetune.py), from the ×1 base widths. */
const DWD_ROW = { loss: 'csnet-dwd', prune_threshold: 1e-20, model: 'csnet-x1-base', base_model: 'csnet-x1-base' };

const resolved = (variant: string) => {
  const specs = expandSweep(csnetDwd, { profile: 'full', seeds: [1], overrides: {}, backendLabel: 'check' });
  return specs.find((s) => s.variant === variant)!.config as Record<string, unknown>;
};

describe('csnet-dwd full profile = CSNet’s recipe (METHODS §2.4), key by key', () => {
  const cfg = resolved('base widths ×1, BCE + DWD, pruned');
  const compared = Object.keys(PAPER_RECIPE);

  it.each(compared)('%s', (k) => {
    expect(cfg[k]).toBe(PAPER_RECIPE[k]);
  });

  it('every recipe key exists in the resolved config (none silently dropped)', () => {
    expect(compared.filter((k) => !Object.hasOwn(cfg, k))).toEqual([]);
  });

  it('the DWD row: BCE + DWD from the ×1 base, pruned at 1e-20', () => {
    for (const [k, v] of Object.entries(DWD_ROW)) expect(cfg[k]).toBe(v);
  });

  it('every row trains with the same recipe (only model/loss/pruning differ)', () => {
    for (const v of csnetDwd.variants) {
      const c = resolved(v.label);
      for (const k of compared) if (!(k in v.set)) expect([v.label, k, c[k]]).toEqual([v.label, k, PAPER_RECIPE[k]]);
    }
  });
});
