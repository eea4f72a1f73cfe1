import * as tf from '@tensorflow/tfjs';
import { boundaryDistillation, type BoundaryDistillationOptions } from './bcd-boundary.ts';
import { contextDistillation, type ContextDistillationOptions } from './bcd-context.ts';
import { pixelKl } from '../../kd/logits/pixel-kl.ts';
import { defineLoss, randomTensor } from '../../define-loss.ts';

export interface BcdOptions {
  /** λ_bd; 0 switches boundary distillation off (default 1). */
  boundaryWeight?: number;
  /** λ_cd; 0 switches context distillation off (default 1). */
  contextWeight?: number;
  /** λ_kd of the optional base pixel-wise KL at T = 1; 0 (default) switches it off. */
  kdWeight?: number;
  boundary?: BoundaryDistillationOptions;
  context?: ContextDistillationOptions;
}

export interface BcdInputs {
  /** Distilled backbone stages (default taps at strides 8, 16, 32): [N,H,W,C] each. */
  studentStages: readonly tf.Tensor4D[];
  teacherStages: readonly tf.Tensor4D[];
  /** Last feature maps before the classifiers. */
  studentLast: tf.Tensor4D;
  teacherLast: tf.Tensor4D;
  /** Class logits [N,H,W,K], needed only when kdWeight > 0. */
  studentLogits?: tf.Tensor4D;
  teacherLogits?: tf.Tensor4D;
}

export type BcdLoss = {
  total: tf.Scalar;
  boundary: tf.Scalar;
  context: tf.Scalar;
  kd: tf.Scalar;
};

/**
 * BCD distillation terms (Zhang et al., arXiv 2401.13174) — **follows the paper's description,
 * not released code** (none is public); the formulas are kdlab's (docs/methods/bcd.md):
 *   L_distill = λ_kd·pixelKL(T = 1) + λ_bd·L_bd + λ_cd·L_cd
 * The task loss (CE, ignore 255) is added by the caller. Each term is switched off by a zero
 * weight and is then neither computed nor differentiated (its part reads 0), which gives the
 * ablation rows none / BD / CD / both, with and without the base KD. The paper's loss weights
 * and whether it adds a base pixel KL could not be read (docs/methods/bcd-equations.md): λ_kd,
 * λ_bd and λ_cd are set per experiment by calibration, not taken from the paper.
 *
 * @example
 *   const { total } = bcdLoss({ studentStages, teacherStages, studentLast, teacherLast }, { boundaryWeight: 1, contextWeight: 0 });
 */
export function bcdLoss(inputs: BcdInputs, opts: BcdOptions = {}): BcdLoss {
  const { boundaryWeight = 1, contextWeight = 1, kdWeight = 0 } = opts;
  if (kdWeight > 0 && !(inputs.studentLogits && inputs.teacherLogits)) {
    throw new Error('bcd: kdWeight > 0 needs studentLogits and teacherLogits');
  }
  return tf.tidy(() => {
    const boundary =
      boundaryWeight > 0
        ? boundaryDistillation(inputs.studentStages, inputs.teacherStages, opts.boundary)
        : tf.scalar(0);
    const context =
      contextWeight > 0 ? contextDistillation(inputs.studentLast, inputs.teacherLast, opts.context) : tf.scalar(0);
    const kd = kdWeight > 0 ? pixelKl(inputs.studentLogits!, inputs.teacherLogits!, { T: 1 }) : tf.scalar(0);
    const total = tf.addN([
      tf.mul(boundary, boundaryWeight),
      tf.mul(context, contextWeight),
      tf.mul(kd, kdWeight),
    ]) as tf.Scalar;
    return { total, boundary, context, kd };
  });
}

export const bcdDef = defineLoss({
  name: 'bcd',
  doc: 'BCD: λ_kd·pixel KL + λ_bd·boundary + λ_cd·context, each switchable',
  inputs: {
    studentStages: { kind: 'nhwc[]', doc: 'distilled student stages, [N,H,W,C] each' },
    teacherStages: { kind: 'nhwc[]', doc: 'the teacher stages they are compared with' },
    studentLast: { kind: 'nhwc', doc: 'student last feature map [N,H,W,Cs]' },
    teacherLast: { kind: 'nhwc', doc: 'teacher last feature map [N,H,W,Ct]' },
    studentLogits: { kind: 'nhwc', doc: '[N,H,W,K] logits, only with kdWeight > 0' },
    teacherLogits: { kind: 'nhwc', doc: '[N,H,W,K] logits, only with kdWeight > 0' },
  },
  agree: [
    ['studentStages', 'teacherStages', 'batch'],
    ['studentLast', 'teacherLast', 'batch'],
    ['studentLogits', 'teacherLogits', 'shape'],
  ],
  options: {
    boundaryWeight: { type: 'number', default: 1, doc: 'λ_bd; 0 switches boundary distillation off' },
    contextWeight: { type: 'number', default: 1, doc: 'λ_cd; 0 switches context distillation off' },
    kdWeight: { type: 'number', default: 0, doc: 'λ_kd of the base pixel KL at T = 1; 0 switches it off' },
    boundary: { type: 'object', doc: 'bcd-boundary options' },
    context: { type: 'object', doc: 'bcd-context options' },
  },
  compute: (i: BcdInputs, o: BcdOptions) => bcdLoss(i, o).total,
  example: (rng) => ({
    inputs: {
      studentStages: [randomTensor<tf.Rank.R4>(rng, [2, 6, 8, 3])],
      teacherStages: [randomTensor<tf.Rank.R4>(rng, [2, 6, 8, 5])],
      studentLast: randomTensor<tf.Rank.R4>(rng, [2, 6, 10, 4]),
      teacherLast: randomTensor<tf.Rank.R4>(rng, [2, 5, 7, 7]),
      studentLogits: randomTensor<tf.Rank.R4>(rng, [2, 6, 8, 3], 2),
      teacherLogits: randomTensor<tf.Rank.R4>(rng, [2, 6, 8, 3], 2),
    },
    options: { kdWeight: 1 },
  }),
  differentiable: 'studentLast',
});
