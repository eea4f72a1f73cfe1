import * as tf from '@tensorflow/tfjs';
import { DataError, type Rng } from '@kd/core';
import { Conv2d, Module } from '@kd/nn';
import { fsdAttention, fsdAttentionLoss } from './fsd-attention.ts';
import { fsdRegionKl } from './fsd-feature-kl.ts';
import { FsdGlobalRelation } from './fsd-global-relation.ts';
import { backgroundMask } from './fsd-masks.ts';
import { fmtShape } from '../../shape-checks.ts';
import { defineLoss, randomTensor, requireRng } from '../../define-loss.ts';

export interface FsdOptions {
  studentChannels: number;
  teacherChannels: number;
  /** Attention temperature (default 0.5). */
  temperature?: number;
  /** γ, weight of the attention L1 loss (default 0.001). */
  gamma?: number;
  /** λ, weight of the GcBlock relation MSE (default 1e-5). */
  lambda?: number;
  /** Switch terms off for the ablation (all on by default). */
  components?: Partial<FsdComponents>;
}

export interface FsdComponents {
  foreground: boolean;
  background: boolean;
  attention: boolean;
  relation: boolean;
}

export interface FsdInputs {
  /** Student feature of this level, [N,H,W,Cs] (aligned here when Cs ≠ Ct). */
  student: tf.Tensor4D;
  /** Teacher feature, [N,H,W,Ct] (a constant). */
  teacher: tf.Tensor4D;
  /** Foreground mask [N,H,W] from `gaussianForegroundMask`. */
  foreground: tf.Tensor3D;
}

export type FsdLoss = {
  total: tf.Scalar;
  foreground: tf.Scalar;
  background: tf.Scalar;
  attention: tf.Scalar;
  relation: tf.Scalar;
};

/**
 * FSD, Foreground Separation Distillation (Li et al., PeerJ CS 2024; official `SFC.py`
 * `fg_bgLoss`; docs/methods/fsd.md#loss-per-fpn-level), for one FPN level:
 *   L = L_fg + L_bg + γ·L_att + λ·L_rela,   γ = 0.001, λ = 1e-5, attention T = 0.5
 * The student map first goes through a 1×1 align conv (with bias) when channels differ. L_fg and
 * L_bg are `fsdRegionKl` with the foreground mask and the normalised background mask, L_att is
 * the attention L1 (`fsdAttentionLoss`), L_rela the GcBlock relation (`FsdGlobalRelation`).
 * The official `alpha_fgd`/`beta_fgd` are unused there (fg and bg weigh 1) and are not options.
 * Trainable parts (align conv, conv_mask, the two MLPs) train with the student: add
 * `trainableVariables()` to the optimizer. Sum the levels' totals outside.
 *
 * @example
 *   const fsd = new FsdLevelLoss(rng.fork('fsd.p3'), { studentChannels: 128, teacherChannels: 256 });
 *   const fg = gaussianForegroundMask(boxes, { imageSize: [640, 640], featureSize: [80, 80] });
 *   const { total } = fsd.forward({ student: s3, teacher: t3, foreground: fg });
 */
export class FsdLevelLoss extends Module {
  readonly align: Conv2d | null;
  readonly relation: FsdGlobalRelation;
  readonly components: FsdComponents;

  constructor(
    rng: Rng,
    readonly opts: FsdOptions,
  ) {
    super();
    const { studentChannels: cs, teacherChannels: ct } = opts;
    this.align =
      cs === ct ? null : this.child('align', new Conv2d(rng.fork('align'), cs, ct, { kernel: 1, bias: true }));
    this.relation = this.child('relation', new FsdGlobalRelation(rng.fork('relation'), ct));
    this.components = { foreground: true, background: true, attention: true, relation: true, ...opts.components };
  }

  forward({ student, teacher, foreground }: FsdInputs): FsdLoss {
    const { studentChannels: cs, teacherChannels: ct } = this.opts;
    if (
      student.rank !== 4 ||
      teacher.rank !== 4 ||
      student.shape[3] !== cs ||
      teacher.shape[3] !== ct ||
      student.shape[0] !== teacher.shape[0] ||
      student.shape[1] !== teacher.shape[1] ||
      student.shape[2] !== teacher.shape[2]
    ) {
      throw new DataError(
        `fsd: student ${fmtShape(student)} and teacher ${fmtShape(teacher)} must be [N,H,W,${cs}] and [N,H,W,${ct}] with the same N,H,W`,
      );
    }
    const [n, h, w] = teacher.shape;
    if (foreground.rank !== 3 || foreground.shape[0] !== n || foreground.shape[1] !== h || foreground.shape[2] !== w) {
      throw new DataError(
        `fsd: foreground mask ${fmtShape(foreground)} must be [${n},${h},${w}] to match teacher ${fmtShape(teacher)}`,
      );
    }
    const on = this.components;
    return tf.tidy(() => {
      const s = this.align ? this.align.forward(student) : student; // [N,H,W,Ct]
      const attT = fsdAttention(teacher, this.opts.temperature ?? 0.5);
      const zero = () => tf.scalar(0);
      const fg = on.foreground ? fsdRegionKl(s, teacher, attT.spatial, attT.channel, foreground) : zero();
      const bg = on.background
        ? fsdRegionKl(s, teacher, attT.spatial, attT.channel, backgroundMask(foreground))
        : zero();
      const att = on.attention ? fsdAttentionLoss(fsdAttention(s, this.opts.temperature ?? 0.5), attT) : zero();
      const rela = on.relation ? this.relation.loss(s, teacher) : zero();
      const total = tf.addN([
        fg,
        bg,
        tf.mul(att, this.opts.gamma ?? 0.001),
        tf.mul(rela, this.opts.lambda ?? 1e-5),
      ]) as tf.Scalar;
      return { total, foreground: fg, background: bg, attention: att, relation: rela };
    });
  }
}

export const fsdDef = defineLoss({
  name: 'fsd',
  doc: 'FSD: fg/bg KL + 0.001·attention L1 + 1e-5·GcBlock relation (module = align conv + GcBlock)',
  inputs: {
    student: { kind: 'nhwc', doc: 'student FPN level [N,H,W,Cs]' },
    teacher: { kind: 'nhwc', doc: 'teacher FPN level [N,H,W,Ct] (a constant)' },
    foreground: { kind: 'nhw', doc: 'foreground mask [N,H,W] from gaussianForegroundMask' },
  },
  agree: [
    ['student', 'teacher', 'spatial'],
    ['teacher', 'foreground', 'spatial'],
  ],
  options: {
    rng: { type: 'object', doc: 'seeds the align conv and the GcBlock' },
    studentChannels: { type: 'number', doc: 'Cs' },
    teacherChannels: { type: 'number', doc: 'Ct' },
    temperature: { type: 'number', default: 0.5, positive: true, doc: 'attention temperature' },
    gamma: { type: 'number', default: 0.001, doc: 'weight of the attention L1' },
    lambda: { type: 'number', default: 1e-5, doc: 'weight of the GcBlock relation MSE' },
    components: { type: 'object', doc: 'switch terms off: { foreground, background, attention, relation }' },
  },
  module: (o: FsdOptions & { rng: Rng }) => new FsdLevelLoss(requireRng('fsd', o), o),
  compute: (i: FsdInputs, _o: FsdOptions & { rng: Rng }, fsd: FsdLevelLoss) => fsd.forward(i).total,
  example: (rng) => ({
    inputs: {
      student: randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 4]),
      teacher: randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 6]),
      foreground: tf.tidy(() => tf.relu(randomTensor(rng, [2, 6, 6]))) as tf.Tensor3D,
    },
    options: { rng: rng.fork('fsd'), studentChannels: 4, teacherChannels: 6 },
  }),
  differentiable: 'student',
});
