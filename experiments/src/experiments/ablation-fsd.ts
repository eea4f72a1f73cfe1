import type { DetSweepConfig } from '@kd/distill';
import type { SweepExperiment } from '@kd/sweep';
import { registerSweep } from '../sweep/register-sweep.ts';

type FsdConfig = DetSweepConfig & {
  /** FSD terms: foreground KL, background KL, attention L1, GcBlock relation. */
  fg: boolean;
  bg: boolean;
  att: boolean;
  rela: boolean;
  /** Gaussian foreground mask: `intended` (box-centred) or `literal` (the official code's). */
  gaussian: string;
  fsd_weight: number;
};

/**
 * Quick profile (issue 18: a setting that can resolve the effect): the cluttered 8-class COCO twin
 * (classes share hues, unlabeled clutter, 2–6 objects at 6–32 % scale, so not colour-trivial) at
 * 128² (p5 is 4×4 and its background mask is not empty), 480 training / 120 test images.
 * Teacher and student are the `tiny` family at widths 0.25 and 0.125 (neck 64 vs 32 channels, so
 * FSD's 1×1 align convs are exercised); the teacher trains 3× as long (9 vs 3 epochs: 540 vs 180
 * steps), once, shared by every seed. Measured on seed 1 before committing to it: teacher VOC07
 * 0.454 vs no-KD student 0.215 (the previous fall2/96² setting had 0.82 vs 0.77, 1.7 student σ).
 */
const defaults: FsdConfig = {
  role: 'student',
  dataset: 'coco-det',
  twin: 'cluttered8',
  size: 128,
  n_train: 480,
  batch: 8,
  lr: 0.006,
  teacher: 'yolox-tiny',
  teacher_width: 0.25,
  teacher_epochs: 9,
  teacher_seed: 1,
  student: 'yolox-tiny',
  student_width: 0.125,
  student_epochs: 3,
  fg: false,
  bg: false,
  att: false,
  rela: false,
  gaussian: 'intended',
  fsd_weight: 1,
  // Init (docs/weights.md#weights-in-sweeps): teacher trained here from a random init, student random.
  teacher_weights: '',
  teacher_backbone_weights: 'none',
  student_backbone_weights: 'none',
  // YOLOX training (recipes/det/yolox-recipe.ts): the quick recipe is Adam without Mosaic/MixUp/EMA/L1 (the SGD keys unused).
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

const TAPS = ['neck.p3', 'neck.p4', 'neck.p5'];

/** The ablation rows run in `medium` and `full`; `quick` keeps the headline pair (full FSD, no KD). */
const ABLATION = ['medium', 'full'] as const;

/**
 * FSD ablation on detection (docs/methods/fsd.md): one YOLOX teacher trained on the synthetic detection
 * twin (read through the @kd/data readers); for every seed the students start from the same
 * init and see the same augmented batches: no KD; FSD foreground KL only; + background KL;
 * + attention L1; + GcBlock relation (full FSD, intended box-centred Gaussian); full FSD with
 * the official code's literal Gaussian. FSD binds to the three neck outputs (neck.p3/p4/p5);
 * the teacher's taps are cached on disk per (teacher, seed, step), so the five KD rows of a seed
 * run the teacher once. Scores on the test split with @kd/bench (VOC07 11-point, VOC all-point,
 * COCO), beside a chance row (random boxes).
 */
export const ablationFsd: SweepExperiment<FsdConfig> = {
  name: 'ablation-fsd',
  description:
    'FSD ablation (YOLOX teacher → student, neck.p3/p4/p5): no KD, fg, +bg, +attention, +GcBlock relation, literal vs intended Gaussian; VOC07/COCO mAP mean±std over seeds',
  defaults,
  profiles: {
    // quick = the headline claim (full FSD vs no KD) and the precondition at the medium setting: the
    // ablation rows (fg, +bg, +att, literal Gaussian) do not fit 15 min on 2 cores beside the 540-step
    // teacher (measured: all rows 33 min), so they run in `medium` (same keys; runs it shares with
    // quick have the same config hash and are reused from the same --out).
    quick: {},
    medium: {},
    // The paper's pair (YOLOX-L → YOLOX-S) at 640²: a GPU/native-backend job.
    full: {
      // Real data only (METHODS §5.6): a VOCdevkit (VOC2007 [+ VOC2012] trainval → VOC2007 test) under --data-root, or
      // `--set dataset=<COCO-JSON root>` (annotations/instances_{train,val}2017.json: the Fall set, any custom set).
      dataset: 'VOCdevkit',
      // The official Megvii YOLOX-L converted to safetensors (docs/weights.md, From .pth to .safetensors), e.g. `--set teacher_weights=weights/yolox_l.safetensors`;
      // '' trains the teacher here. The Megvii checkpoint is a COCO (80-class) model: on VOC its head must be fine-tuned first.
      teacher_weights: '',
      size: 640,
      n_train: 4000,
      batch: 16,
      teacher: 'yolox-l',
      teacher_width: 1,
      student: 'yolox-s',
      student_width: 0.5,
      teacher_epochs: 120,
      student_epochs: 120,
      // The paper's YOLOX recipe (METHODS §5.3): SGD lr 0.01 Nesterov 0.9, wd 5e-4 off norm/bias, 5 warm-up epochs, cosine to
      // 0.05·lr, flat for the 15 no-aug epochs; Mosaic + RandomAffine + MixUp until then; L1 in those epochs; EMA momentum 1e-4.
      optimizer: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      nesterov: true,
      weight_decay: 5e-4,
      norm_bias_decay: false,
      warmup_epochs: 5,
      min_lr_ratio: 0.05,
      mosaic: true,
      mixup: true,
      no_aug_epochs: 15,
      ema: 1e-4,
      l1_final_epochs: 15,
      // Multi-scale every 10 iterations, (640/32 ± 5)·32 = 480–800.
      multiscale: 5,
    },
  },
  variants: [
    { label: 'chance (random boxes)', set: { role: 'chance' } },
    { label: 'teacher', set: { role: 'teacher' } },
    { label: 'no KD', set: {} },
    { label: 'FSD fg', set: { fg: true }, only: ABLATION },
    { label: 'FSD fg+bg', set: { fg: true, bg: true }, only: ABLATION },
    { label: 'FSD fg+bg+att', set: { fg: true, bg: true, att: true }, only: ABLATION },
    { label: 'FSD fg+bg+att+rela (full)', set: { fg: true, bg: true, att: true, rela: true } },
    {
      label: 'FSD full, literal Gaussian',
      set: { fg: true, bg: true, att: true, rela: true, gaussian: 'literal' },
      only: ABLATION,
    },
  ],
  // ≥ 4 paired seeds on the claimed rows (issue 18); MIN_CLAIM_SEEDS is 3.
  defaultSeeds: 4,
  groupBy: ['model', 'params', 'kd_params', 'mmacs'],
  metrics: ['voc07_mAP', 'voc_allpt_mAP', 'coco_AP', 'coco_AP50', 'coco_AP75', 'infer_img_s', 'train_img_s'],
  digits: { infer_img_s: 0, train_img_s: 1 },
  claims: [
    {
      id: 'fsd-vs-nokd',
      paper: 'FSD (PeerJ CS 2024 abstract)',
      says: 'full FSD lifts the YOLOX student (+1.6 mAP on the Fall set)',
      better: 'FSD fg+bg+att+rela (full)',
      than: 'no KD',
      metric: 'voc07_mAP',
      direction: 'higher',
      paperDelta: 0.016,
    },
    {
      id: 'fg-vs-nokd',
      paper: 'FSD (PeerJ CS 2024)',
      says: 'foreground distillation alone helps',
      better: 'FSD fg',
      than: 'no KD',
      metric: 'voc07_mAP',
      direction: 'higher',
    },
    {
      id: 'bg-adds',
      paper: 'FSD (PeerJ CS 2024)',
      says: 'distilling the background separately adds to the foreground term',
      better: 'FSD fg+bg',
      than: 'FSD fg',
      metric: 'voc07_mAP',
      direction: 'higher',
    },
    {
      // The paper describes a box-centred Gaussian; the official code's formula differs (docs/methods/fsd.md). Non-inferiority at 0.01 mAP.
      id: 'intended-vs-literal',
      paper: 'FSD (PeerJ CS 2024) text vs its official code',
      says: "the box-centred Gaussian the paper describes does at least as well as the official code's literal formula",
      better: 'FSD fg+bg+att+rela (full)',
      than: 'FSD full, literal Gaussian',
      metric: 'voc07_mAP',
      direction: 'higher',
      margin: 0.01,
    },
  ],
  // Margin 0.02 VOC07 mAP: the paper's own effect is 0.016, so a smaller teacher advantage leaves nothing of that size to transfer.
  precondition: { teacher: 'teacher', student: 'no KD', metric: 'voc07_mAP', direction: 'higher', margin: 0.02 },
  note:
    'FSD (PeerJ CS 2024) reports YOLOX-L → YOLOX-S on its own Fall set; the synthetic quick profile can only show the comparison between rows. ' +
    'Quick setting: the cluttered 8-class twin at 128², teacher yolox-tiny w0.25 trained 540 steps once (teacher_seed), students w0.125 trained 180 steps with Adam (not YOLOX SGD/Mosaic/EMA: the CPU recipe; `full` is the paper recipe). ' +
    "The students are short-trained (the CPU budget): KD acts on an under-trained student, unlike the paper's 120 epochs. " +
    'Quick runs the headline pair (no KD, full FSD) and the precondition; `medium` adds the ablation rows (fg, fg+bg, fg+bg+att, literal Gaussian) at the same keys. ' +
    "Verdicts (4 seeds, lazy batch plan v2, measured 2026-12-07): the precondition holds (teacher 0.429 vs no KD 0.211 VOC07 mAP, +0.218 = 6.7 student σ), so the claim is testable; full FSD vs no KD is +0.006 [−0.038, +0.050] (3/4 seeds positive: +0.036, +0.017, −0.029, +0.001): inconclusive, the seed spread (σ 0.03) is twice the paper's effect. " +
    'Medium (same teacher and runs, + the ablation rows; 13.2 min more at load 2): all four claims inconclusive — fg vs no KD −0.031 [−0.117, +0.055] (1/4), fg+bg vs fg +0.003 [−0.119, +0.125], intended vs literal +0.057 [−0.100, +0.215] (non-inferiority margin 0.01); rows without the attention term are unstable across seeds (fg+bg 0.064 and literal 0.035 on seed 2, fg 0.101 on seed 1, against 0.18–0.26 otherwise), so their intervals are wide. ' +
    'Under the earlier eager plan (v1, commit 8f55dec) the same rows gave −0.067 with FSD below no KD in 4/4 seeds: the sign of the difference moved with the batch streams alone, another reading of "no effect resolved at this size". ' +
    'A likely reason the effect stays small, not tested: at weight 1 the summed FSD loss starts at 0.89× the detection loss (10.25 vs 11.53 at step 1; the official log has fg alone at 9× cls) and, in 180 Adam steps, competes with the detection objective instead of refining a converged student. ' +
    'Wall time: 71.7 min with --jobs auto at load 14–18 (seven engineers sharing the 2 cores), 28.7 CPU-minutes in all, so ≥ 14.4 min on 2 idle cores; the critical path measured quietly on 2026-12-06 (teacher 10.6 min on one worker, 4 KD students of ~1.4 min on two) gives 14–15 min. ' +
    '`kd_params` counts the align convs and the GcBlock modules (built even when a row turns the relation term off).',
  recipe: 'det',
  // FSD at the three neck levels (one term per level), with this row's parts switched on.
  terms: (cfg) =>
    cfg.fg || cfg.bg || cfg.att || cfg.rela
      ? TAPS.map((tap) => ({
          loss: 'fsd',
          student: tap,
          teacher: tap,
          weight: cfg.fsd_weight,
          options: {
            gaussian: cfg.gaussian,
            components: { foreground: cfg.fg, background: cfg.bg, attention: cfg.att, relation: cfg.rela },
          },
        }))
      : [],
};

registerSweep(ablationFsd);
