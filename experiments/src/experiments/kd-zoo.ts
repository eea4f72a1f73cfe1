import type { TermSpec } from '@kd/core';
import type { SweepExperiment } from '@kd/sweep';
import { registerSweep } from '../sweep/register-sweep.ts';
import { SEG_FULL, SEG_QUICK } from './seg-defaults.ts';

const defaults = { ...SEG_QUICK, method: 'none' };

/**
 * The seeds' distillation losses against the classic baselines on one segmentation pair
 * (FCN-MobileNetV2 OS8 ← DeepLabV3+-R50). Logit losses read the main outputs; feature losses
 * read student `feat` (stride 8) and teacher `aspp` (stride 16; pair-wise and AT resize the
 * student map to the teacher grid); FitNet gets a 1×1 connector
 * derived from the two tap declarations. KD-SCFNet's soft dice and FSD are SOD/detection losses
 * and appear in table-sod and ablation-fsd instead.
 * Weights: each term starts within 0.1–10× of CE (≈ 2.97 at step 1 of the quick profile): raw
 * step-1 values pixel KL 0.11, CWD 0.093 (×10), pair-wise 0.52 (×1), AT 0.0029 (×100), FitNet 0.63,
 * BCD 0.11 + 0.48·5 + 0.043·10, KA adaptation + affinity 1.46 (paper weights 50 and 1).
 */
export const kdZoo: SweepExperiment<typeof defaults> = {
  name: 'kd-zoo',
  description:
    'Seed losses (BCD, KA) vs baselines (pixel KL, CWD, pair-wise, FitNet, AT, DIST) on one segmentation pair; mIoU mean±std',
  defaults,
  profiles: {
    quick: {},
    full: {
      // CIRKD protocol (METHODS §3 "likely protocol", §6): DeepLabV3-R101 → DeepLabV3-R18, 40K iterations,
      // lr 0.02, wd 1e-4; the teacher trained with the same recipe unless teacher_weights loads one.
      ...SEG_FULL,
      teacher: 'deeplabv3-r101',
      student: 'deeplabv3-r18',
      lr: 0.02,
      weight_decay: 1e-4,
      iters: 40000,
      teacher_iters: 40000,
    },
  },
  variants: [
    { label: 'teacher', set: { role: 'teacher' } },
    { label: 'no KD', set: { method: 'none' } },
    { label: 'pixel KL (T=1)', set: { method: 'pixel-kl' } },
    { label: 'CWD (T=4)', set: { method: 'cwd' } },
    { label: 'pair-wise (SKD)', set: { method: 'pairwise' } },
    { label: 'FitNet', set: { method: 'fitnet' } },
    { label: 'attention transfer', set: { method: 'at' } },
    { label: 'BCD (KL + BD + CD)', set: { method: 'bcd' } },
    { label: 'Knowledge Adaptation', set: { method: 'ka' } },
    { label: 'DIST', set: { method: 'dist' } },
  ],
  // Every claimed row needs 3 paired seeds for a verdict (MIN_CLAIM_SEEDS).
  defaultSeeds: 3,
  groupBy: ['model'],
  metrics: ['mIoU', 'aAcc'],
  // The full profile's pair as CIRKD reports it (README, Cityscapes test; METHODS §6); compare with full-profile rows only.
  paper: { teacher: { mIoU: 0.783 }, 'no KD': { mIoU: 0.7356 } },
  claims: [
    {
      id: 'kl-vs-nokd',
      paper: 'Hinton et al. 2015 / SKD (CVPR 2019), pixel-wise',
      says: 'pixel-wise KL from the teacher improves the student',
      better: 'pixel KL (T=1)',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'cwd-vs-kl',
      paper: 'CWD (ICCV 2021)',
      says: 'channel-wise distillation beats pixel-wise KL',
      better: 'CWD (T=4)',
      than: 'pixel KL (T=1)',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'pairwise-vs-nokd',
      paper: 'SKD (CVPR 2019)',
      says: 'pair-wise similarity distillation improves the student',
      better: 'pair-wise (SKD)',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'fitnet-vs-nokd',
      paper: 'FitNets (ICLR 2015)',
      says: 'feature hints improve the student',
      better: 'FitNet',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'at-vs-nokd',
      paper: 'Attention transfer (ICLR 2017)',
      says: 'attention transfer improves the student',
      better: 'attention transfer',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'bcd-vs-kl',
      paper: 'BCD (arXiv 2401.13174)',
      says: 'boundary + context distillation beats the pixel-KL baseline',
      better: 'BCD (KL + BD + CD)',
      than: 'pixel KL (T=1)',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'dist-vs-kl',
      paper: 'DIST (NeurIPS 2022)',
      says: 'Pearson-correlation relations (DIST) beat KL matching of the teacher',
      better: 'DIST',
      than: 'pixel KL (T=1)',
      metric: 'mIoU',
      direction: 'higher',
    },
    {
      id: 'ka-vs-nokd',
      paper: 'Knowledge Adaptation (CVPR 2019)',
      says: 'adaptation + affinity distillation improves the student',
      better: 'Knowledge Adaptation',
      than: 'no KD',
      metric: 'mIoU',
      direction: 'higher',
    },
  ],
  // Margin as in ablation-bcd (0.02 mIoU).
  precondition: { teacher: 'teacher', student: 'no KD', metric: 'mIoU', direction: 'higher', margin: 0.02 },
  recipe: 'seg',
  terms: (cfg) => termsFor(cfg.method),
};

/**
 * Methods whose terms are more than one pair loss on the main outputs at weight 1: weights that
 * start within 0.1–10× of CE, feature taps, connectors, multi-term BCD and KA's pre-stage.
 */
const METHOD_TERMS: Record<string, TermSpec[]> = {
  'pixel-kl': [{ loss: 'pixel-kl', student: 'out', teacher: 'out', options: { T: 1 } }],
  cwd: [{ loss: 'cwd', weight: 10, student: 'out', teacher: 'out', options: { T: 4 } }],
  pairwise: [{ loss: 'pairwise', student: 'feat', teacher: 'aspp', alignSpatial: true }],
  at: [{ loss: 'attention-transfer', weight: 100, student: 'feat', teacher: 'aspp', alignSpatial: true }],
  fitnet: [{ loss: 'fitnet', student: 'feat', teacher: 'aspp' }],
  bcd: [
    { loss: 'pixel-kl', student: 'out', teacher: 'out', options: { T: 1 } },
    { loss: 'bcd-boundary', weight: 5, student: 'c2', teacher: 'c2', name: 'bd-stride4' },
    { loss: 'bcd-boundary', weight: 5, student: 'feat', teacher: 'c5', name: 'bd-last' },
    { loss: 'bcd-context', weight: 10, student: 'feat', teacher: 'feat', options: { tauC: 0.1 } },
  ],
  ka: [{ loss: 'ka', student: 'feat', teacher: 'feat', options: { beta: 50, gamma: 1, aeEpochs: 2, aeLr: 0.1 } }],
};

/**
 * The terms of a kd-zoo method: its METHOD_TERMS entry, else the registered loss of that name on
 * the main outputs (logits) at weight 1 with the loss's own defaults — so a new logit loss (DIST)
 * needs only a variant line. Unknown names are refused when the sweep is registered.
 */
export function termsFor(method: string): TermSpec[] {
  if (method === 'none') return [];
  return METHOD_TERMS[method] ?? [{ loss: method, student: 'out', teacher: 'out' }];
}

registerSweep(kdZoo);
