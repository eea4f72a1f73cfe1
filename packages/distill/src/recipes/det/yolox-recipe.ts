import type { DetectionModel } from '@kd/models';
import type { Module } from '@kd/nn';
import { UsageError } from '@kd/core';
import { decayExceptNormAndBias, type OptimizerSpec } from '../../optimizer.ts';
import type { EmaSpec } from '../../trainer/ema.ts';
import type { TaskLoss } from '../../trainer/trainer.ts';

/**
 * The detection recipe's YOLOX-training keys (METHODS §5.3). The defaults are today's quick recipe
 * (Adam, the simple augmentation, no EMA, no L1), so a config without them trains as before.
 */
export interface YoloxRecipeKeys {
  /** `adam` (the CPU recipe: cosine with a linear warm-up, detOptimizer) or `sgd` (YOLOX's: the keys below, the `yolox` lr schedule). */
  optimizer: string;
  /** sgd: momentum (0.9). */
  momentum: number;
  /** sgd: Nesterov momentum (true). */
  nesterov: boolean;
  /** sgd: coupled L2 weight decay (5e-4). */
  weight_decay: number;
  /** sgd: whether norm layers and biases are decayed too (false: mmdet norm/bias_decay_mult 0). */
  norm_bias_decay: boolean;
  /** sgd: epochs of the quadratic warm-up from 0 (5). */
  warmup_epochs: number;
  /** sgd: the cosine's floor as a fraction of lr (0.05). */
  min_lr_ratio: number;
  /** Mosaic (+ RandomAffine scale 0.1–2) in the plan (data/transforms/yolox-augment.ts). */
  mosaic: boolean;
  /** MixUp (0.8–1.6) in the plan. */
  mixup: boolean;
  /** The last epochs without Mosaic/MixUp; with sgd also the flat min-lr epochs (15). */
  no_aug_epochs: number;
  /** mmdet ExpMomentumEMAHook momentum (1e-4); 0 = no EMA. Decay d_k = (1 − m)(1 − exp(−k/2000)). */
  ema: number;
  /** The last epochs whose task loss adds YOLOX's L1 box term (15). */
  l1_final_epochs: number;
  /**
   * YOLOX multi-scale training: every 10 iterations a square size from (size/32 ± multiscale)·32
   * (5: 480–800 at 640, METHODS §5.3); 0 = off.
   */
  multiscale: number;
}

export const YOLOX_RECIPE_DEFAULTS: YoloxRecipeKeys = {
  optimizer: 'adam',
  momentum: 0.9,
  nesterov: true,
  weight_decay: 5e-4,
  norm_bias_decay: false,
  warmup_epochs: 5,
  min_lr_ratio: 0.05,
  mosaic: false,
  mixup: false,
  no_aug_epochs: 0,
  ema: 0,
  l1_final_epochs: 0,
  multiscale: 0,
};

/** The YOLOX keys of a config (missing keys take their defaults), checked. */
export function yoloxKeys(cfg: Partial<Record<string, string | number | boolean>>): YoloxRecipeKeys {
  const k = { ...YOLOX_RECIPE_DEFAULTS } as Record<string, string | number | boolean>;
  for (const key of Object.keys(YOLOX_RECIPE_DEFAULTS)) if (cfg[key] !== undefined) k[key] = cfg[key]!;
  const keys = k as unknown as YoloxRecipeKeys;
  if (keys.optimizer !== 'adam' && keys.optimizer !== 'sgd')
    throw new UsageError(`det recipe: optimizer must be adam or sgd, got '${keys.optimizer}'`);
  if (!(keys.ema >= 0 && keys.ema < 1)) throw new UsageError(`det recipe: ema must be in [0, 1), got ${keys.ema}`);
  if (!(Number.isInteger(keys.multiscale) && keys.multiscale >= 0))
    throw new UsageError(`det recipe: multiscale must be a whole number of 32-px steps ≥ 0, got ${keys.multiscale}`);
  return keys;
}

/** The keys that differ from the defaults (what a cached teacher's identity must add). */
export function changedYoloxKeys(cfg: Partial<Record<string, string | number | boolean>>): Partial<YoloxRecipeKeys> {
  const k = yoloxKeys(cfg);
  return Object.fromEntries(
    Object.entries(k).filter(([key, v]) => v !== YOLOX_RECIPE_DEFAULTS[key as keyof YoloxRecipeKeys]),
  );
}

/**
 * YOLOX's SGD (METHODS §5.3 with the paper's key values): lr `lr`, (Nesterov) momentum, weight
 * decay on every parameter of `modules` except norm layers and biases (unless `norm_bias_decay`);
 * schedule `yolox`: (step/W)² warm-up over `warmup_epochs`, cosine to `min_lr_ratio`·lr, flat
 * for the last `no_aug_epochs`.
 */
export function yoloxSgd(
  lr: number,
  keys: YoloxRecipeKeys,
  stepsPerEpoch: number,
  modules: readonly Module[],
): OptimizerSpec {
  return {
    kind: 'sgd',
    lr,
    momentum: keys.momentum,
    nesterov: keys.nesterov,
    weightDecay: keys.weight_decay,
    ...(keys.norm_bias_decay ? {} : { decayed: decayExceptNormAndBias(modules) }),
    schedule: 'yolox',
    warmupSteps: keys.warmup_epochs * stepsPerEpoch,
    flatSteps: keys.no_aug_epochs * stepsPerEpoch,
    floor: keys.min_lr_ratio,
  };
}

/** YOLOX draws a new multi-scale size every this many iterations (mmdet `random_size_interval`). */
export const YOLOX_MULTISCALE_EVERY = 10;

/** planDetBatches' YOLOX options. */
export const yoloxPlan = (keys: YoloxRecipeKeys) => ({
  mosaic: keys.mosaic,
  mixup: keys.mixup,
  noAugEpochs: keys.no_aug_epochs,
  ...(keys.multiscale > 0 ? { multiScale: { range: keys.multiscale, every: YOLOX_MULTISCALE_EVERY } } : {}),
});

/** The trainer's EMA from mmdet's momentum (undefined when 0). */
export const yoloxEma = (keys: YoloxRecipeKeys): EmaSpec | undefined =>
  keys.ema > 0 ? { decay: 1 - keys.ema, ramp: 2000 } : undefined;

/** The detector's own objective, with the L1 term from epoch `epochs − l1_final_epochs` on (0-based). */
export const yoloxTask =
  (m: DetectionModel, keys: YoloxRecipeKeys, epochs: number): TaskLoss =>
  (s, b, epoch) =>
    m.loss(s.outputs, b.targets!, { l1: keys.l1_final_epochs > 0 && epoch >= epochs - keys.l1_final_epochs }).total;
