import type { TermSpec } from '@kd/core';
import type { SweepExperiment } from '@kd/sweep';
import { registerSweep } from '../sweep/register-sweep.ts';
import { noKdLong, SEG_FULL_CIRKD, SEG_MEDIUM, SEG_QUICK } from './seg-defaults.ts';

/**
 * BCD ablation (docs/methods/bcd.md): segmentation student with CE, then + pixel-wise KL (T=1), + boundary
 * distillation on two backbone stages, + context distillation on the last features, and both.
 * BCD has no public code: the boundary/context losses follow the paper's description as
 * formulated in docs/methods/bcd.md#our-formulation (kdlab's formulation), not released code.
 * Taps: student FCN-MobileNetV2 c2 (stride 4) and feat (last); teacher DeepLabV3+ c2 and c5 for
 * boundaries; last features before the classifiers (student `feat`, teacher `feat`) for context.
 * λ calibration (docs/methods/bcd.md asks each term to start within 0.1–10× of CE), measured at
 * step 1 of the quick profile against the trained shared teacher (seed 1): CE 3.015; pixel KL 2.483
 * (λ_kd 1: 0.82× CE); boundary raw 0.174 at stride 4 + 0.098 last (λ_bd 5: 1.358, 0.45× CE); context
 * raw 0.0487 (λ_cd 10: 0.487, 0.16× CE). Every term within 0.1–10×, so λ_bd = 5 and λ_cd = 10 stay
 * (the old comment's pixel KL 0.11 was against an untrained teacher).
 * Quick runs the headline rows (no KD, pixel KL, + BD + CD) and the "no KD (long)" control;
 * `medium` adds the single-term rows (+ BD, + CD) and trains the students longer.
 */
const defaults = { ...SEG_QUICK, kd: 0, bd: 0, cd: 0, tau_c: 0.1 };

/** The single-term rows run in `medium` and `full`; `quick` keeps the headline rows (its 15-minute budget). */
const ABLATION = ['medium', 'full'] as const;

export const ablationBcd: SweepExperiment<typeof defaults> = {
  name: 'ablation-bcd',
  description: 'BCD ablation on segmentation: no KD, pixel KL, + boundary, + context, both (mIoU mean±std over seeds)',
  defaults,
  profiles: {
    quick: {},
    medium: SEG_MEDIUM,
    full: SEG_FULL_CIRKD,
  },
  variants: [
    { label: 'teacher', set: { role: 'teacher' } },
    { label: 'no KD', set: {} },
    noKdLong(),
    { label: 'pixel KL', set: { kd: 1 } },
    { label: '+ boundary (BD)', set: { kd: 1, bd: 5 }, only: ABLATION },
    { label: '+ context (CD)', set: { kd: 1, cd: 10 }, only: ABLATION },
    { label: '+ BD + CD', set: { kd: 1, bd: 5, cd: 10 } },
  ],
  // Every claimed row needs 3 paired seeds for a verdict (MIN_CLAIM_SEEDS).
  defaultSeeds: 3,
  groupBy: ['model'],
  metrics: ['mIoU', 'aAcc', 'params', 'gmacs'],
  digits: { params: 0, gmacs: 3 },
  claims: [
    {
      id: 'kl-vs-nokd',
      paper: 'BCD (arXiv 2401.13174), base KD',
      says: 'pixel-wise KL from the teacher improves the student',
      better: 'pixel KL',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bdcd-vs-kl',
      paper: 'BCD (arXiv 2401.13174); METHODS §3',
      says: 'boundary + context distillation beats the pixel-KL base KD',
      better: '+ BD + CD',
      than: 'pixel KL',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bd-adds',
      paper: 'BCD (arXiv 2401.13174)',
      says: 'boundary distillation adds to the base KD',
      better: '+ boundary (BD)',
      than: 'pixel KL',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'cd-adds',
      paper: 'BCD (arXiv 2401.13174)',
      says: 'context distillation adds to the base KD',
      better: '+ context (CD)',
      than: 'pixel KL',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bdcd-vs-bd',
      paper: 'BCD (arXiv 2401.13174)',
      says: 'boundary and context are complementary: both beat boundary alone',
      better: '+ BD + CD',
      than: '+ boundary (BD)',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bdcd-vs-cd',
      paper: 'BCD (arXiv 2401.13174)',
      says: 'boundary and context are complementary: both beat context alone',
      better: '+ BD + CD',
      than: '+ context (CD)',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bcd-vs-nokd',
      paper: 'BCD (arXiv 2401.13174)',
      says: 'the full method beats the student without KD',
      better: '+ BD + CD',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bcd-vs-long',
      paper: 'kdlab control (issue 17), not a paper claim',
      says: 'the full method beats a no-KD student given twice the steps (KD is not just more training)',
      better: '+ BD + CD',
      than: 'no KD (long)',
      metric: 'mIoU',
      direction: 'higher',
    },
  ],
  // Margin 0.02 mIoU: a teacher that is not 2 points ahead of its student leaves little to transfer (segmentation-KD papers' pairs are 5–10 points apart).
  precondition: { teacher: 'teacher', student: 'no KD', metric: 'mIoU', direction: 'higher', margin: 0.02 },
  // The protocol's pair (CIRKD README, Cityscapes test; METHODS §6): BCD's own numbers are not available.
  paper: { teacher: { mIoU: 0.783 }, 'no KD': { mIoU: 0.7356 } },
  note:
    "Quick (144-step students: headline rows, no KD (long) = the no-KD student with twice the steps) is a smoke test of the setting; `--profile medium` (480-step students, every row) is the table meant to test the claims (issue 17). BCD follows the paper's description (arXiv 2401.13174) as formulated in docs/methods/bcd.md#our-formulation; no public code exists, and the paper reports no number we can place beside these rows. The paper column holds CIRKD's DeepLabV3-R101 teacher and DeepLabV3-R18 student (Cityscapes test), the pair and protocol of the full profile; they compare only with full-profile rows. " +
    'Quick verdicts (3 seeds, objects twin, measured 2026-12-07): the precondition holds (teacher 0.333 vs no KD 0.193 mIoU, 30 student σ); pixel KL −0.002 [−0.006, +0.002], BD+CD vs KL −0.002 [−0.011, +0.006] and BD+CD vs no KD −0.004 [−0.011, +0.002] are inconclusive with every KD row at or below no KD; BD+CD vs no KD (long) is contradicted (−0.015 [−0.024, −0.006]): 144 more plain steps help more than distillation. ' +
    'Read as a smoke test: the 144-step students still learn mostly background classes, where the teacher has little to add. Wall time 18.8 min at load ≈ 2 with --jobs auto, teacher trained in it (35 CPU-minutes), over the 15-minute target; ablation-ka and kd-zoo reuse this teacher from the same --out. ' +
    'Medium verdicts (480-step students, every row, 3 seeds, run 2026-12-07, experiments/results/medium-wasm-simd-1t/): the precondition holds (teacher 0.333 vs no KD 0.210); ' +
    'bdcd-vs-kl is reproduced (+0.0031 [+0.0004, +0.0057], 3/3 seeds: BD+CD 0.2130 vs pixel KL 0.2100), the only interval that clears 0 — with 8 claims about 0.4 false verdicts are expected when nothing is there, so it is a small effect to confirm with more seeds, not a settled one; ' +
    'boundary alone adds +0.0053 over KL (3/3 seeds, interval −0.0044 … +0.0149) and context +0.0001 (1/3), both inconclusive, as are BD+CD vs BD (−0.002) and vs CD (+0.003); pixel KL vs no KD is +0.0002 (inconclusive) and BD+CD vs no KD +0.003 (3/3, inconclusive). ' +
    'Against the twice-as-long no-KD student (0.236) BD+CD is −0.023 (0/3 seeds; interval −0.048 … +0.002, inconclusive): at this budget 480 more plain steps still help more than any distillation term. ' +
    'Wall time 65.5 min with --jobs auto at load 3–5 (a CI rehearsal and a helper shared the cores), reusing the quick teacher.',
  recipe: 'seg',
  terms: (cfg) => {
    const terms: TermSpec[] = [];
    if (cfg.kd > 0) terms.push({ loss: 'pixel-kl', weight: cfg.kd, student: 'out', teacher: 'out', options: { T: 1 } });
    if (cfg.bd > 0) {
      terms.push({ loss: 'bcd-boundary', weight: cfg.bd, student: 'c2', teacher: 'c2', name: 'bd-stride4' });
      terms.push({ loss: 'bcd-boundary', weight: cfg.bd, student: 'feat', teacher: 'c5', name: 'bd-last' });
    }
    if (cfg.cd > 0)
      terms.push({
        loss: 'bcd-context',
        weight: cfg.cd,
        student: 'feat',
        teacher: 'feat',
        options: { tauC: cfg.tau_c },
      });
    return terms;
  },
};

registerSweep(ablationBcd);
