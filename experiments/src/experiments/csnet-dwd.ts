import type { CsnetDwdConfig } from '@kd/distill';
import type { SweepExperiment } from '@kd/sweep';
import { registerSweep } from '../sweep/register-sweep.ts';

const defaults: CsnetDwdConfig = {
  model: 'csnet-x1-base',
  fixed_width: 0,
  base_model: 'csnet-x1-base',
  loss: 'bce',
  prune_threshold: 0,
  data: 'synthetic',
  unlabeled: 'none',
  val: 'synthetic',
  size: 32,
  n_train: 240,
  n_unlabeled: 0,
  batch: 8,
  workers: 1,
  epochs: 6,
  lr: 0.02,
  lr_schedule: 'multistep',
  weight_decay: 5e-3,
  no_decay_filter: 'intended',
  adam_beta2: 0.999,
  adam_eps: 1e-8,
  bn_recal_batches: 30,
  augment: 'kdscfnet',
  normalize: 'imagenet',
  eval_resolution: 'input',
  metric: 'pysod',
  benchmarks: 'none',
  // Init (docs/weights.md#weights-in-sweeps): random (CSNet has no pretrained backbone).
  student_backbone_weights: 'none',
};

/**
 * CSNet's learnable channel widths (docs/methods/csnet.md#losses). Rows: the ×1 base widths (b = 20,
 * 210,985 parameters) trained with BCE; the same trained with BCE + dynamic weight decay
 * (3.0·(1/B)Σ 0.5·|GAP(y)|·γ² over ILBlock BN γ, activations detached), then pruned at
 * `prune_threshold` (channels with |γ| below it removed, surviving weights copied) and BN
 * statistics refreshed; a fixed uniform-width model (b = 13, 96,189 parameters, the released ×1
 * size) trained with BCE; and the paper's released ×1 widths as a parameter count only. Every
 * trained row uses CSNet's optimizer (Adam, coupled wd 5e-3 except the DWD γ, the intended filter)
 * and MultiStepLR ×0.1 at ⅔ and ⅚ of the run.
 *
 * Claims: the parameter reduction is at least the released ×1's (55.6 %; the abstract's "80 %" is
 * the ×2 model's 82.1 %, whose base is 3.7× costlier, so ×2 is not in the quick table); the pruned
 * model's MAE is within 0.005 of the base's (non-inferiority); the pruned model beats the
 * fixed-width one of the released size. `collapsed` flags a run whose (pruned or unpruned) MAE is
 * no better than predicting background everywhere (`MAE_background`).
 *
 * Quick-profile deviations (the `full` profile is the official recipe, see csnet-dwd-recipe.test.ts):
 * 32² synthetic data (240 train / 60 test), batch 8, 180 Adam steps (6 epochs; lr drops at epochs 4
 * and 5) at lr 2e-2 (official 1e-4 for 132k steps), β2 0.999, KD-SCFNet's light crop/flip (the
 * official border crop would remove 15 of the 32 px of each axis on average), scored at the input size in the
 * PySODMetrics convention, threshold 1e-3 instead of 1e-20 (unreachable in 180 steps), BN
 * statistics re-estimated with 30 batches.
 */
export const csnetDwd: SweepExperiment<CsnetDwdConfig> = {
  name: 'csnet-dwd',
  description:
    'CSNet fixed vs learned widths: BCE vs BCE + dynamic weight decay + pruning; params before/after, MAE/maxF',
  defaults,
  profiles: {
    quick: {},
    // The setting where the claims can be tested on the twin (quick's 180 steps leave the base near the all-background
    // predictor): 48², 18 epochs × 30 = 540 steps, lr ×0.1 at epochs 12 and 15 (run: see the note).
    medium: { size: 48, epochs: 18, bn_recal_batches: 60 },
    // CSNet's own recipe (METHODS §2.4, docs/methods/csnet.md#training-recipe): DUTS-TR at 224² (non-aspect resize), batch 24,
    // border crop + p 0.5 h-or-v flip, ImageNet normalisation, Adam (0.9, 0.99, ε 1e-8) lr 1e-4 with coupled wd 5e-3 except the
    // DWD γ, MultiStepLR ×0.1 at epochs 200/250 of 300, from scratch; ECSSD validation at the GT's resolution, SalMetric numbers.
    full: {
      data: 'DUTS-TR',
      val: 'ECSSD',
      size: 224,
      n_train: 10553,
      batch: 24,
      workers: 8,
      epochs: 300,
      lr: 1e-4,
      lr_schedule: 'multistep',
      weight_decay: 5e-3,
      no_decay_filter: 'intended',
      adam_beta2: 0.99,
      adam_eps: 1e-8,
      augment: 'csnet',
      normalize: 'imagenet',
      eval_resolution: 'original',
      metric: 'salmetric',
      // Scored after training where found under --data-root (the others are skipped with one line): <B>_MAE, <B>_maxFm, … in the raw CSV.
      benchmarks: 'all',
      bn_recal_batches: 440,
    },
  },
  variants: [
    { label: 'base widths ×1, BCE', set: { model: 'csnet-x1-base', loss: 'bce' } },
    {
      label: 'base widths ×1, BCE + DWD, pruned',
      set: { model: 'csnet-x1-base', loss: 'csnet-dwd', prune_threshold: 1e-3 },
      profiles: { full: { prune_threshold: 1e-20 } },
    },
    // Uniform widths b = 13 (96,189 parameters): the base layout at the released ×1 size (93,647), fixed before training.
    { label: 'fixed widths b=13 (released ×1 size), BCE', set: { fixed_width: 13, loss: 'bce' } },
    // The paper's own ×1 result as a row: the released learned widths' parameter count against the ×1 base (nothing trained).
    { label: 'paper: released ×1 widths (params only)', set: { model: 'csnet-l-x1', epochs: 0 } },
    // ×2 (the abstract's "80 %": released 140,894 of the ×2 base's 788,631): full only, its base costs 3.7× the ×1 base per step.
    {
      label: 'base widths ×2, BCE',
      set: { model: 'csnet-x2-base', base_model: 'csnet-x2-base', loss: 'bce' },
      only: ['full'],
    },
    {
      label: 'base widths ×2, BCE + DWD, pruned',
      set: { model: 'csnet-x2-base', base_model: 'csnet-x2-base', loss: 'csnet-dwd', prune_threshold: 1e-20 },
      only: ['full'],
    },
    {
      label: 'paper: released ×2 widths (params only)',
      set: { model: 'csnet-l-x2', base_model: 'csnet-x2-base', epochs: 0 },
      only: ['full'],
    },
  ],
  // Every claimed row needs 3 paired seeds for a verdict (MIN_CLAIM_SEEDS).
  defaultSeeds: 3,
  groupBy: ['model'],
  metrics: [
    'MAE',
    'maxFm',
    'Smeasure',
    'MAE_unpruned',
    'maxFm_unpruned',
    'MAE_background',
    'collapsed',
    'params',
    'params_base',
    'param_reduction',
    'below_1e_2',
    'below_1e_3',
    'below_1e_20',
  ],
  digits: {
    params: 0,
    params_base: 0,
    param_reduction: 3,
    collapsed: 2,
    below_1e_2: 3,
    below_1e_3: 3,
    below_1e_20: 3,
  },
  // ×1: released csnet-L-x1 93,647 of the base's 210,985 (−55.6 %); the abstract's "80 %" is ×2's (140,894 of 788,631: −82.1 %).
  paper: {
    'base widths ×1, BCE + DWD, pruned': { param_reduction: 0.556 },
    'base widths ×2, BCE + DWD, pruned': { param_reduction: 0.821 },
  },
  claims: [
    {
      id: 'dwd-param-reduction',
      paper: 'CSNet (ECCV 2020), released csnet-L-x1',
      says: 'dynamic weight decay + pruning learns ×1 widths with 55.6 % fewer parameters than the ×1 base',
      better: 'base widths ×1, BCE + DWD, pruned',
      than: 'paper: released ×1 widths (params only)',
      metric: 'param_reduction',
      direction: 'higher',
      margin: 0,
    },
    {
      id: 'dwd-param-reduction-x2',
      paper: 'CSNet (ECCV 2020 abstract; released csnet-L-x2)',
      says: 'dynamic weight decay + pruning gives ~80 % parameter reduction (×2: 82.1 %)',
      better: 'base widths ×2, BCE + DWD, pruned',
      than: 'paper: released ×2 widths (params only)',
      metric: 'param_reduction',
      direction: 'higher',
      margin: 0,
    },
    {
      // "Negligible" made a number: 0.005 MAE, the size of the gaps that separate methods in the SOD tables
      // (KD-SCFNet vs FS-SCFNet: 0.006), so a drop within it would not change a table's ranking.
      id: 'dwd-negligible-drop',
      paper: 'CSNet (ECCV 2020 abstract)',
      says: 'dynamic weight decay + pruning removes most parameters with a negligible drop',
      better: 'base widths ×1, BCE + DWD, pruned',
      than: 'base widths ×1, BCE',
      metric: 'MAE',
      direction: 'lower',
      margin: 0.005,
    },
    {
      id: 'dwd-vs-fixed-widths',
      paper: 'CSNet (ECCV 2020): learnable channel numbers',
      says: 'learned (DWD-pruned) widths beat a fixed-width model of the same size',
      better: 'base widths ×1, BCE + DWD, pruned',
      than: 'fixed widths b=13 (released ×1 size), BCE',
      metric: 'MAE',
      direction: 'lower',
      margin: 0,
    },
  ],
  note:
    'Paper claim (CSNet, ECCV 2020): dynamic weight decay (DWD) + pruning learns channel widths with far fewer parameters (released ×1: −55.6 % of its base; the abstract\'s "80 %" is ×2\'s −82.1 %) and a negligible drop. ' +
    'MAE/maxFm are the pruned model; *_unpruned the same DWD-trained model before pruning (the pruning step alone); MAE_background = the all-background predictor on the same test set; ' +
    'collapsed = fraction of seeds whose pruned or unpruned MAE is no better than MAE_background; param_reduction = 1 − params / params_base (the ×1 base, 210,985); ' +
    'below_1e_* = fraction of ILBlock conv1x1 BN |γ| under 1e-2 / 1e-3 / 1e-20 after training. ' +
    'All trained rows: Adam with coupled weight decay 5e-3 except the DWD γ (intended filter), MultiStepLR ×0.1 at ⅔ and ⅚ of the run (official: epochs 200, 250 of 300), BN statistics re-estimated before evaluation. ' +
    'Quick deviations: 32² synthetic twin, 180 steps at lr 2e-2 (official 132k at 1e-4), β2 0.999, light crop/flip, threshold 1e-3 (official 1e-20). ' +
    "The fixed-width row (b = 13) has the released ×1 size (96,189 vs 93,647), fixed before training: a pruned model's size is known only after training. " +
    "Verdicts (quick, 3 seeds, run 2026-12-07): dwd-param-reduction is contradicted: DWD + pruning at |γ| < 1e-3 removed 1.5 ± 0.2 % of the parameters (2.5 % of the conv1x1 γ under 1e-2, 0.3 % under 1e-3) against the released ×1's 55.6 %; in 180 steps Adam moves every γ by about lr per step, so the γ shrink together and few separate (a statement about 180 CPU steps, not about the official 132k). " +
    'dwd-negligible-drop is inconclusive: the pruned model is worse than the base in 3/3 seeds (Δ −0.071 MAE) but the interval (−0.19 … +0.05) reaches the margin; the pruning step is not the cause (MAE_unpruned 0.232 vs 0.230 pruned), the DWD training is. ' +
    'dwd-vs-fixed-widths is inconclusive: the DWD-pruned model is worse than the fixed b = 13 model in 3/3 seeds (Δ −0.050, interval −0.14 … +0.04) while keeping 2.2× its parameters. ' +
    'Collapse guard: every DWD run is worse than predicting background everywhere (MAE 0.230 vs 0.146, collapsed 3/3), and so are 2 of 3 seeds of the base and of the fixed-width rows: in 180 steps at 32² no row learns beyond the all-background predictor (best: base seed 2, 0.1458 vs 0.1464). ' +
    'So this quick table is a smoke-level run of the official schedule and its verdicts do not test the paper; `--profile medium` (48², 540 steps) is the setting meant to test the claims. ' +
    'Medium verdicts (3 seeds, run 2026-12-07, experiments/results/medium-wasm-simd-1t/): every row learns (base 0.0734 ± 0.0045 MAE against the all-background 0.1568; collapsed 0 in every row). ' +
    'dwd-param-reduction is contradicted: DWD + pruning at |γ| < 1e-3 removed 33.9 ± 5.3 % of the parameters (38.9/28.3/34.4 %; 41 % of the conv1x1 γ under 1e-2, 15 % under 1e-3) against the released ×1’s 55.6 % (Δ −0.217 [−0.349, −0.085]): 540 steps at the quick lr are 0.4 % of the official 132k, so this bounds what a short run reaches, not the official recipe. ' +
    'dwd-negligible-drop is inconclusive: the pruned model is 0.0023 MAE worse than the base (0.0757 vs 0.0734, worse in 3/3 seeds), inside the 0.005 margin on average, but the interval (−0.0066 … +0.0019) crosses −0.005; the pruning step itself costs nothing (unpruned 0.0762). ' +
    'dwd-vs-fixed-widths is inconclusive: the DWD-pruned model beats the fixed b = 13 model in 3/3 seeds (+0.0019 MAE, interval −0.0039 … +0.0078) but keeps 1.45× its parameters (139k vs 96k), so the comparison is not at equal size. ' +
    'Wall time: quick 50 min with --jobs auto at load average 17–19 (shared by 6 sessions; 12.3 CPU-minutes, about 6–7 min on an idle machine); medium 30.5 min with --jobs auto at load 2–4.7.',
  recipe: 'csnet-dwd',
};

registerSweep(csnetDwd);
