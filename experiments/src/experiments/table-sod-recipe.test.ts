import { describe, expect, it } from 'vitest';
import { expandSweep } from '@kd/sweep';
import { tableSod } from './table-sod.ts';

/**
 * KD-SCFNet's recipe (METHODS §1.1–§1.3, §1.5), written from METHODS as config keys of the sod
 * recipe (recipes/sod/sod-recipe-keys.ts): Paddle Momentum 0.9, coupled L2 5e-4 (backbone BN
 * exempt), backbone lr ×0.1, linear warm-up 6.4e-4 → 0.064 over 5 epochs then cosine to 6.4e-4,
 * 69 epochs at batch 128 for FS, KD and the teacher; the augmentation chain with multi-scale and
 * its own normalisation; DUTS-TR labels, KD-SOD80K unlabeled, the five benchmarks; ImageNet
 * backbones for the MobileNetV3 ×0.5 student (C = 16) and the R50 teacher (C = 64).
 */
const PAPER_RECIPE: Record<string, string | number | boolean> = {
  data: 'DUTS-TR',
  unlabeled: 'KD-SOD80K',
  n_train: 10553,
  n_unlabeled: 80000,
  size: 352,
  batch: 128,
  optimizer: 'sgd',
  momentum: 0.9,
  weight_decay: 5e-4,
  backbone_lr_mult: 0.1,
  lr: 0.064,
  warmup_epochs: 5,
  /** 6.4e-4 / 0.064: the warm-up start and the cosine's end. */
  min_lr_ratio: 0.01,
  epochs: 69,
  kd_epochs: 69,
  teacher_epochs: 69,
  augment: 'kdscfnet',
  test_sets: 'DUTS-TE,ECSSD,HKU-IS,DUT-OMRON,PASCAL-S',
  teacher: 'scfnet-r50',
  teacher_width: 1,
  teacher_channels: 64,
  teacher_backbone_weights: 'imagenet',
  student_backbone_weights: 'imagenet',
  loss: 'scfnet',
};

const fullRow = (label: string) => {
  const specs = expandSweep(tableSod, { profile: 'full', seeds: [1], overrides: {}, backendLabel: 'check' });
  return specs.find((s) => s.variant === label)!.config as Record<string, unknown>;
};

describe('table-sod full profile = KD-SCFNet’s recipe (METHODS §1.3), key by key', () => {
  const cfg = fullRow('KD-SCFNet (unlabeled only)');

  it.each(Object.keys(PAPER_RECIPE))('%s', (k) => {
    expect(cfg[k]).toBe(PAPER_RECIPE[k]);
  });

  it('every recipe key exists in the resolved config (none silently dropped)', () => {
    expect(Object.keys(PAPER_RECIPE).filter((k) => !Object.hasOwn(cfg, k))).toEqual([]);
  });

  it('the three rows share the recipe; the teacher is trained here unless teacher_weights loads one', () => {
    for (const label of ['SCFNet-R50 (teacher)', 'FS-SCFNet (labels)']) {
      const other = fullRow(label);
      for (const k of Object.keys(PAPER_RECIPE)) expect([label, k, other[k]]).toEqual([label, k, PAPER_RECIPE[k]]);
    }
    expect(cfg.teacher_weights).toBe('');
  });

  it('KD: soft dice of the 4 student outputs against σ(teacher p2), no task loss (§1.2)', () => {
    expect(tableSod.terms!(cfg as never)).toEqual([
      { loss: 'soft-dice-kd', student: ['out:0', 'out:1', 'out:2', 'out:3'], teacher: 'out' },
    ]);
    expect(tableSod.terms!(fullRow('FS-SCFNet (labels)') as never)).toEqual([]);
  });

  it('paper columns: Table 1 per benchmark (DUTS-TE in the plain columns)', () => {
    expect(tableSod.paper!['KD-SCFNet (unlabeled only)']).toMatchObject({
      MAE: 0.035,
      meanFm: 0.868,
      adpEm: 0.932,
      ECSSD_MAE: 0.035,
      'HKU-IS_meanFm': 0.922,
      'DUT-OMRON_adpEm': 0.882,
      'PASCAL-S_MAE': 0.061,
    });
  });
});

describe('table-sod quick profile: the claim made testable', () => {
  const specs = expandSweep(tableSod, {
    profile: 'quick',
    seeds: [1, 2, 3, 4, 5],
    overrides: {},
    backendLabel: 'check',
  });
  const cfg = specs[0].config as Record<string, unknown>;

  it('same init policy for teacher and student (both from scratch), one teacher for every seed', () => {
    expect([cfg.teacher_backbone_weights, cfg.student_backbone_weights, cfg.teacher_seed]).toEqual(['none', 'none', 1]);
  });

  it('few labels, many unlabeled images, shifted twin; three rows × 5 seeds', () => {
    expect([cfg.data, cfg.unlabeled, cfg.n_train, cfg.n_unlabeled, cfg.n_test]).toEqual([
      'synthetic-shift',
      'synthetic-shift',
      80,
      1280,
      160,
    ]);
    expect(specs.map((s) => s.variant)).toHaveLength(15);
    expect(tableSod.defaultSeeds).toBe(5);
  });

  it('teacher 600 steps; FS and KD students the same 240 steps; Adam on a cosine lr for all three', () => {
    const steps = (epochs: number, n: number) => (epochs * n) / (cfg.batch as number);
    expect(steps(cfg.teacher_epochs as number, 80)).toBe(600);
    expect([steps(cfg.epochs as number, 80), steps(cfg.kd_epochs as number, 1280)]).toEqual([240, 240]);
    expect([cfg.optimizer, cfg.adam_schedule, cfg.warmup_epochs, cfg.min_lr_ratio]).toEqual([
      'adam',
      'cosine',
      0,
      0.01,
    ]);
  });
});
