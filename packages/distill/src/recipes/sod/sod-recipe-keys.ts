import { UsageError, type Config } from '@kd/core';

/**
 * The SOD recipe's keys beyond the data and model ones (KD-SCFNet's training scripts, METHODS
 * §1.3). The defaults are the old quick recipe (Adam at a constant lr, the fixed-size crop/flip
 * augmentation, each run's own teacher), so a config without them trains as before.
 */
export interface SodRecipeKeys {
  /** Seed of the one teacher every student seed distils from (0: each run's own seed). */
  teacher_seed: number;
  /** Test images of the `synthetic-shift` twin (0: n_train/4, at least 8). */
  n_test: number;
  /** `adam` (the CPU recipe; its lr follows `adam_schedule`) or `sgd` (KD-SCFNet's Paddle Momentum: the keys below). */
  optimizer: string;
  /**
   * adam: `constant` lr, or `cosine` — KD-SCFNet's lr shape (linear warm-up over `warmup_epochs` from
   * min_lr_ratio·lr, then a cosine to min_lr_ratio·lr at the last step) with Adam's update.
   */
  adam_schedule: string;
  /** sgd: momentum (0.9). */
  momentum: number;
  /** sgd: coupled L2 weight decay (5e-4); the backbone's BN parameters are exempt (L2Decay(0)). */
  weight_decay: number;
  /** sgd: the backbone's lr multiplier (0.1). */
  backbone_lr_mult: number;
  /** sgd (and adam with adam_schedule cosine): epochs of the linear warm-up from min_lr_ratio·lr to lr (5). */
  warmup_epochs: number;
  /** sgd (and adam cosine): the warm-up start and the cosine's floor as a fraction of lr (6.4e-4 / 0.064 = 0.01). */
  min_lr_ratio: number;
  /** `fixed` (crop ≤ 1/8 + flips at `size`) or `kdscfnet` (KD-SCFNet's full chain + per-batch multi-scale). */
  augment: string;
  /** Labeled `data` that is a real root: the test benchmarks under --data-root, comma-separated ('' = `<data>`'s test split). */
  test_sets: string;
}

export const SOD_RECIPE_DEFAULTS: SodRecipeKeys = {
  teacher_seed: 0,
  n_test: 0,
  optimizer: 'adam',
  adam_schedule: 'constant',
  momentum: 0.9,
  weight_decay: 5e-4,
  backbone_lr_mult: 0.1,
  warmup_epochs: 5,
  min_lr_ratio: 0.01,
  augment: 'fixed',
  test_sets: '',
};

/** The SOD recipe keys of a config (missing keys take their defaults), checked. */
export function sodRecipeKeys(cfg: Config): SodRecipeKeys {
  const k = { ...SOD_RECIPE_DEFAULTS } as unknown as Record<string, string | number | boolean>;
  for (const key of Object.keys(SOD_RECIPE_DEFAULTS)) if (cfg[key] !== undefined) k[key] = cfg[key];
  const keys = k as unknown as SodRecipeKeys;
  if (keys.optimizer !== 'adam' && keys.optimizer !== 'sgd')
    throw new UsageError(`sod recipe: optimizer must be adam or sgd, got '${keys.optimizer}'`);
  if (keys.adam_schedule !== 'constant' && keys.adam_schedule !== 'cosine')
    throw new UsageError(`sod recipe: adam_schedule must be constant or cosine, got '${keys.adam_schedule}'`);
  if (keys.augment !== 'fixed' && keys.augment !== 'kdscfnet')
    throw new UsageError(`sod recipe: augment must be fixed or kdscfnet, got '${keys.augment}'`);
  return keys;
}

/**
 * The recipe keys that join a trained teacher's identity (its store key, and the plan's): only those
 * set away from the old recipe, so teachers trained with the defaults keep their keys.
 */
export function sodTeacherRecipeKey(keys: SodRecipeKeys): Record<string, string> {
  const sgd = [keys.optimizer, keys.momentum, keys.weight_decay, keys.backbone_lr_mult, keys.warmup_epochs];
  return {
    ...(keys.optimizer === 'sgd' ? { recipe: [...sgd, keys.min_lr_ratio].join('/') } : {}),
    ...(keys.optimizer === 'adam' && keys.adam_schedule !== 'constant'
      ? { schedule: [keys.adam_schedule, keys.warmup_epochs, keys.min_lr_ratio].join('/') }
      : {}),
    ...(keys.augment !== 'fixed' ? { augment: keys.augment } : {}),
  };
}
