import * as tf from '@tensorflow/tfjs';
import type { Box, Rng } from '@kd/core';
import { Module, tapSpec, type DenseModel } from '@kd/nn';
import { FsdLevelLoss, gaussianForegroundMask, type FsdComponents } from '@kd/losses';

export interface FsdDistillerOptions {
  /** Tap names, paired in order (default the three neck outputs `neck.p3/p4/p5`). */
  taps?: readonly string[];
  /** Gaussian foreground mask: 'intended' (box-centred, default) or the official code's 'literal' formula. */
  gaussian?: 'intended' | 'literal';
  /** Which FSD terms are on (all by default). */
  components?: Partial<FsdComponents>;
  /** Overall weight of the summed FSD loss (1 in the paper). */
  weight?: number;
}

export interface FsdLossValue {
  total: tf.Scalar;
  /** Per-level totals, in tap order. */
  levels: tf.Scalar[];
}

/**
 * FSD distillation of a detector at its neck levels (docs/methods/fsd.md): for each tap pair
 * (student level l, teacher level l) one `FsdLevelLoss` from @kd/losses (1×1 align conv when
 * channels differ, GcBlock relation modules), with the Gaussian foreground mask of the batch's
 * gt boxes at that level's resolution. L_FSD = weight · Σ_l L_l, added to the detection loss.
 * Trainable: the align convs and GcBlock modules (`trainableVariables()`), with the student.
 */
export class FsdDistiller extends Module {
  readonly taps: readonly string[];
  readonly levels: FsdLevelLoss[] = [];
  readonly gaussian: 'intended' | 'literal';
  readonly weight: number;

  constructor(rng: Rng, student: DenseModel, teacher: DenseModel, opts: FsdDistillerOptions = {}) {
    super();
    this.taps = opts.taps ?? ['neck.p3', 'neck.p4', 'neck.p5'];
    this.gaussian = opts.gaussian ?? 'intended';
    this.weight = opts.weight ?? 1;
    for (const name of this.taps) {
      const s = tapSpec(student, name), t = tapSpec(teacher, name);
      if (s.stride !== t.stride) throw new Error(`fsd: tap '${name}' has stride ${s.stride} in the student but ${t.stride} in the teacher`);
      const level = new FsdLevelLoss(rng.fork(name), { studentChannels: s.channels, teacherChannels: t.channels, components: opts.components });
      this.levels.push(this.child(String(this.levels.length), level));
    }
  }

  /**
   * student/teacher: tap name → [N,H_l,W_l,C]; boxes: per image [x1,y1,x2,y2] in input pixels;
   * imageSize [H, W] of the network input.
   */
  loss(student: Record<string, tf.Tensor4D>, teacher: Record<string, tf.Tensor4D>, boxes: readonly (readonly Box[])[], imageSize: [number, number]): FsdLossValue {
    return tf.tidy(() => {
      const levels = this.taps.map((name, i) => {
        const s = student[name], t = teacher[name];
        const fg = gaussianForegroundMask(boxes, { imageSize, featureSize: [t.shape[1], t.shape[2]], mode: this.gaussian });
        return this.levels[i].forward({ student: s, teacher: t, foreground: fg }).total;
      });
      return { total: tf.mul(tf.addN(levels), this.weight) as tf.Scalar, levels };
    });
  }
}
