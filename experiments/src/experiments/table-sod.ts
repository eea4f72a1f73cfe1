import type { SodRecipeKeys, SodSweepConfig } from '@kd/distill';
import type { SweepExperiment } from '@kd/sweep';
import { registerSweep } from '../sweep/register-sweep.ts';

type TableSodConfig = SodSweepConfig & SodRecipeKeys;

/**
 * Quick: KD-SCFNet's regime in miniature on the shifted twin (sod-style.ts): 80 labels in the
 * source style, 1,280 unlabeled and 160 test images in the target style; both networks from
 * scratch; one deeper, wider teacher (R50 ×0.25, C 32: 2.3× the student's parameters, 4.7× its
 * MACs) trained 600 steps (teacher_seed), shared by all seeds; FS and KD students 240 steps each;
 * Adam at lr 2e-3 on a cosine to 2e-5 for all three.
 */
const defaults: TableSodConfig = {
  role: 'student',
  model: 'scfnet-mbv3-x0.5',
  loss: 'scfnet',
  data: 'synthetic-shift',
  unlabeled: 'synthetic-shift',
  size: 64,
  n_train: 80,
  n_test: 160,
  n_unlabeled: 1280,
  batch: 16,
  workers: 1,
  teacher: 'scfnet-r50',
  teacher_width: 0.25,
  teacher_channels: 32,
  teacher_epochs: 120,
  teacher_seed: 1,
  epochs: 48,
  kd_epochs: 3,
  lr: 0.002,
  adam_beta2: 0.999,
  teacher_cache: false,
  // Init (docs/weights.md#weights-in-sweeps): both networks from a seeded random init in quick (same policy).
  teacher_weights: '',
  teacher_backbone_weights: 'none',
  student_backbone_weights: 'none',
  // The recipe keys (recipes/sod/sod-recipe-keys.ts): quick trains with Adam on KD-SCFNet's cosine lr shape (no warm-up
  // at these step counts) and the fixed-size augmentation. (The task loss steps up every 10 epochs by design: the PBSM
  // boundary kernel of the SCFNet loss shrinks 13 → 1 on the paper's epoch schedule, scfnet-supervised.ts.)
  optimizer: 'adam',
  adam_schedule: 'cosine',
  momentum: 0.9,
  weight_decay: 5e-4,
  backbone_lr_mult: 0.1,
  warmup_epochs: 0,
  min_lr_ratio: 0.01,
  augment: 'fixed',
  test_sets: '',
};

/** The five test benchmarks of KD-SCFNet's Table 1 (full profile), in its column order. */
const BENCHMARKS = 'DUTS-TE,ECSSD,HKU-IS,DUT-OMRON,PASCAL-S';

/**
 * KD-SCFNet Table 1 analogue (docs/methods/kd-scfnet.md#headline-numbers): the SCFNet-R50 teacher,
 * FS-SCFNet (the student on the labels) and KD-SCFNet (the student on unlabeled images only: soft
 * dice of every output against σ of the teacher's main output); MAE, max/mean F, S, adaptive E,
 * params and MACs at the training size. Quick: the shifted twin at 64² (the defaults above).
 * Full: KD-SCFNet's training scripts (METHODS §1.3, recipes/sod/sod-recipe-keys.ts) on DUTS-TR,
 * KD-SOD80K and the five benchmarks, each a column group (`<B>_MAE`, …; the plain columns are
 * DUTS-TE's). CSNet rows live in csnet-dwd and csnet-released.
 */
export const tableSod: SweepExperiment<TableSodConfig> = {
  name: 'table-sod',
  description: 'KD-SCFNet Table 1 analogue: SCFNet-R50 teacher, FS-SCFNet (labels), KD-SCFNet (unlabeled only)',
  defaults,
  profiles: {
    quick: {},
    full: {
      data: 'DUTS-TR',
      unlabeled: 'KD-SOD80K',
      size: 352,
      n_train: 10553,
      n_unlabeled: 80000,
      batch: 128,
      workers: 4,
      teacher_width: 1,
      teacher_channels: 64,
      teacher_epochs: 69,
      epochs: 69,
      kd_epochs: 69,
      lr: 0.064,
      // Every epoch re-augments (multi-scale, crops, flips, blur), so cached teacher outputs would never be read again.
      teacher_cache: false,
      teacher_backbone_weights: 'imagenet',
      student_backbone_weights: 'imagenet',
      optimizer: 'sgd',
      momentum: 0.9,
      weight_decay: 5e-4,
      backbone_lr_mult: 0.1,
      warmup_epochs: 5,
      min_lr_ratio: 0.01,
      augment: 'kdscfnet',
      test_sets: BENCHMARKS,
    },
  },
  variants: [
    { label: 'SCFNet-R50 (teacher)', set: { role: 'teacher' } },
    { label: 'FS-SCFNet (labels)', set: { model: 'scfnet-mbv3-x0.5', loss: 'scfnet' } },
    { label: 'KD-SCFNet (unlabeled only)', set: { role: 'kd', model: 'scfnet-mbv3-x0.5' } },
  ],
  // Every claimed row needs 3 paired seeds for a verdict (MIN_CLAIM_SEEDS); 5 narrow the intervals.
  defaultSeeds: 5,
  groupBy: ['model'],
  metrics: [
    'MAE',
    'maxFm',
    'meanFm',
    'Smeasure',
    'adpEm',
    ...BENCHMARKS.split(',')
      .slice(1)
      .flatMap((b) => [`${b}_MAE`, `${b}_meanFm`, `${b}_adpEm`]),
    'params',
    'gmacs',
  ],
  digits: { params: 0, gmacs: 3 },
  // METHODS §1.5 (Table 1): M/F/E per benchmark; the plain columns are DUTS-TE's.
  paper: {
    'SCFNet-R50 (teacher)': {
      ...paperRow(
        [0.031, 0.887, 0.936],
        [0.031, 0.94, 0.955],
        [0.026, 0.928, 0.959],
        [0.047, 0.811, 0.88],
        [0.06, 0.872, 0.903],
      ),
      params: 26150000,
    },
    'FS-SCFNet (labels)': {
      ...paperRow(
        [0.041, 0.849, 0.92],
        [0.039, 0.923, 0.946],
        [0.031, 0.917, 0.955],
        [0.059, 0.785, 0.872],
        [0.068, 0.86, 0.902],
      ),
      params: 800000,
    },
    'KD-SCFNet (unlabeled only)': {
      ...paperRow(
        [0.035, 0.868, 0.932],
        [0.035, 0.929, 0.952],
        [0.029, 0.922, 0.959],
        [0.052, 0.8, 0.882],
        [0.061, 0.871, 0.912],
      ),
      params: 800000,
    },
  },
  claims: [
    {
      id: 'kd-scfnet-vs-fs',
      paper: 'KD-SCFNet Table 1',
      says: 'the student distilled on unlabeled images only beats the same student trained on the labels',
      better: 'KD-SCFNet (unlabeled only)',
      than: 'FS-SCFNet (labels)',
      metric: 'MAE',
      direction: 'lower',
      paperDelta: 0.006,
    },
  ],
  // Margin: half the paper's own teacher–student gap on DUTS-TE (0.041 − 0.031 = 0.010 MAE).
  precondition: {
    teacher: 'SCFNet-R50 (teacher)',
    student: 'FS-SCFNet (labels)',
    metric: 'MAE',
    direction: 'lower',
    margin: 0.005,
  },
  note:
    "Paper: KD-SCFNet Table 1, DUTS-TE (F_β read as the toolbox's Mean-F, E_β as adaptive E; docs/methods/kd-scfnet.md#evaluation); " +
    "in `full` the plain columns are DUTS-TE and each `<B>_` group another benchmark, scored by the paper's test script. " +
    'Quick setting (the shifted twin, 64²): 80 source-style labels; 1,280 unlabeled and 160 test images in the target style; ' +
    'teacher and students both from scratch (teacher_init trained-here, student_init scratch); one SCFNet-R50 ×0.25/C 32 teacher, 600 Adam steps, shared by the 5 seeds; FS and KD students 240 steps each; ' +
    'Adam at lr 2e-3 on a cosine to 2e-5 for all three. The all-background predictor scores MAE 0.1364 on this test set (mean foreground fraction of its masks). ' +
    'Verdict (measured 2026-12-07): the precondition fails, so kd-scfnet-vs-fs is untestable. The teacher (0.1156) leads FS (0.1480/0.1503/0.1336/0.3073/0.1373) by +0.060 MAE on average, ' +
    'but seed 4 of FS collapses (0.307, worse than predicting background) and the 95 % interval (−0.032 … +0.152) includes 0. ' +
    'The deeper problem is that in MAE nothing in this table learns much beyond the all-background predictor: the teacher is 0.021 below it, 4 of 5 FS students and all 5 KD students are at or above it ' +
    '(KD 0.1771/0.1711/0.1947/0.1533/0.1605), while the rankings are not trivial (max-F: teacher 0.623, KD 0.587 ± 0.029, FS 0.475 ± 0.058; S: 0.706, 0.645, 0.596). ' +
    "KD − FS in MAE is +0.004 in the paper's direction with an interval of ±0.106 (1/5 seeds ahead); KD's maps are soft over the object and its surroundings (report grid), which MAE punishes and max-F does not. " +
    'The first quick setting (teacher 300 steps and students 160 at a constant lr 2e-3, same twin and seeds) failed the same precondition the same way: teacher 0.1045, FS 0.1173/0.1256/0.1441/0.1856/0.1185 (seed 4 again the outlier), interval −0.002 … +0.069; ' +
    'the longer cosine schedule made the teacher no better (0.1156) and FS more variable. So the twin at this budget does not give a teacher clearly better than the student in MAE; ' +
    'a setting that does would need a task the students learn beyond background within the budget (a milder shift or more steps), which was not found in the time this round had. ' +
    'Wall time 12.6 min with --jobs auto at load ≈ 3 (twin already rendered; the teacher takes 7.7 min on one worker while the FS students run on the other). ' +
    "The paper's code has no KD + labels mode, so there is no such row; CSNet rows are in csnet-dwd and csnet-released.",
  recipe: 'sod',
  // KD-SCFNet's term: soft dice of every student output (SCFNet has 4) against σ(teacher main output).
  terms: (cfg) =>
    cfg.role === 'kd'
      ? [
          {
            loss: 'soft-dice-kd',
            student: cfg.model.startsWith('scfnet') ? ['out:0', 'out:1', 'out:2', 'out:3'] : ['out:0'],
            teacher: 'out',
          },
        ]
      : [],
};

/** One Table 1 row: [MAE, F_β (Mean-F), E_β (adaptive E)] per benchmark in BENCHMARKS order. */
function paperRow(...perBenchmark: [number, number, number][]): Record<string, number> {
  const out: Record<string, number> = {};
  BENCHMARKS.split(',').forEach((b, i) => {
    const prefix = i === 0 ? '' : `${b}_`;
    const [m, f, e] = perBenchmark[i];
    Object.assign(out, { [`${prefix}MAE`]: m, [`${prefix}meanFm`]: f, [`${prefix}adpEm`]: e });
  });
  return out;
}

registerSweep(tableSod);
