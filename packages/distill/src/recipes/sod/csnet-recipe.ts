import type { SodDataConfig } from './sod-data.ts';

/**
 * CSNet's own training recipe (docs/methods/csnet.md#training-recipe, METHODS §2.4) as config keys.
 * `csnet-dwd` runs it for every row; its `full` profile sets the official values, its `quick`
 * profile shrinks data, size and steps (deviations listed in the experiment's note).
 */
export interface CsnetDwdConfig extends SodDataConfig {
  /** Registered CSNet model (csnet-x1-base, csnet-l-x1, …); ignored when `fixed_width` > 0. */
  model: string;
  /** Uniform base width b > 0: CSNet's un-pruned layout at width b (`baseConfig(b)`) instead of `model`; 0 = off. */
  fixed_width: number;
  /** The un-pruned model `param_reduction` is measured against (×1: csnet-x1-base, ×2: csnet-x2-base). */
  base_model: string;
  /** `bce`, or `csnet-dwd` = BCE + 3.0·dynamic weight decay. */
  loss: string;
  epochs: number;
  lr: number;
  /** `multistep` = MultiStepLR ×0.1 at ⅔ and ⅚ of the run (official: epochs 200, 250 of 300); `constant`. */
  lr_schedule: string;
  /** Coupled Adam weight decay (official 5e-3) on every parameter except the γ `dwdNoDecay` exempts. */
  weight_decay: number;
  /** Which γ skip the weight decay: `intended` (conv1x1, conv3x3_1, conv3x3_2 γ) or `literal` (the code's repeated conv3x3_1). */
  no_decay_filter: string;
  /** Adam β2 (official 0.99). */
  adam_beta2: number;
  /** Adam ε (official PyTorch default 1e-8). */
  adam_eps: number;
  /** Prune channels with |γ| below this after training (official: 1e-20 after 300 epochs); ≤ 0 = no pruning. */
  prune_threshold: number;
  /** Train-mode forwards (no update) that refresh BN statistics before evaluation (`recalibrateBn`); 0 = off. */
  bn_recal_batches: number;
  /** The model's `weights` option (none | imagenet | FILE); CSNet has none, so only `none` (a random init) is accepted. */
  student_backbone_weights: string;
  /** Train augmentation: `csnet` (border crop 0–14/1–15 px + p 0.5 h-or-v flip, official) or `kdscfnet` (crop ≤ 1/8, h 0.5, v 0.2). */
  augment: string;
  /** `imagenet` (official) or `model` (the model's own normalisation). */
  normalize: string;
  /** Validation set: `synthetic` (the synthetic set's test split), or a folder under --data-root (official ECSSD). */
  val: string;
  /** `input`: score at the network's input size; `original`: resize σ back to each GT's size (official). */
  eval_resolution: string;
  /** Metric convention of the reported MAE/maxFm: `pysod` (the repo's default) or `salmetric` (CSNet's C++ tool). */
  metric: string;
  /** Test benchmarks scored after training (under --data-root, skipped when absent): `none`, `all` (DUTS-TE, ECSSD, HKU-IS, DUT-OMRON, PASCAL-S) or a comma list. */
  benchmarks: string;
}

/** MultiStepLR milestones of the official recipe as fractions of the run: epochs 200 and 250 of 300. */
export const CSNET_MILESTONES = [2 / 3, 5 / 6];
