import * as tf from '@tensorflow/tfjs';
import { resizeBilinear } from '@kd/runtime';
import type { Module } from '@kd/nn';
import { createLoss, softDiceKd, type ConnectorKind, type PairLossName } from '@kd/losses';

/** Tap name meaning the model's main output (logits) rather than an intermediate feature; `out:k` is output k. */
export const MAIN_OUTPUT = 'out';

/**
 * One distillation term: which student and teacher taps it reads (in order) and how it turns
 * them into a scalar. Terms with learnable parts (connectors, adapters) expose them as `module`,
 * trained with the student.
 */
export interface DistillTerm {
  name: string;
  weight: number;
  studentTaps: string[];
  teacherTaps: string[];
  module: Module | null;
  compute(student: tf.Tensor4D[], teacher: tf.Tensor4D[]): tf.Scalar;
}

/**
 * A term from any registered pair loss (`PairLossName`: `pixel-kl`, `cwd`, `pairwise`,
 * `attention-transfer`, `bcd-context`, `bcd-boundary`, `ka-affinity`, …) on one student tap and one teacher tap.
 * `fitnet` gets a connector derived from the two tap declarations (see `fitnetTerm`).
 */
export function pairTerm(
  loss: PairLossName,
  weight: number, studentTap: string, teacherTap: string, options: Record<string, unknown> = {}, name: string = loss,
  { alignSpatial = false }: { alignSpatial?: boolean } = {},
): DistillTerm {
  const l = createLoss(loss, options as never);
  return {
    name, weight, studentTaps: [studentTap], teacherTaps: [teacherTap], module: l.module,
    compute: ([s], [t]) => {
      // alignSpatial: losses that need equal grids (pair-wise, AT) compare the student map
      // resized bilinearly (half-pixel) to the teacher's grid; channel counts may differ.
      const sameGrid = s.shape[1] === t.shape[1] && s.shape[2] === t.shape[2];
      if (!alignSpatial || sameGrid) return l.compute({ student: s, teacher: t } as never);
      return tf.tidy(() => l.compute({ student: resizeBilinear(s, [t.shape[1], t.shape[2]]), teacher: t } as never));
    },
  };
}

export type { ConnectorKind };

/**
 * KD-SCFNet's distillation term (docs/methods/kd-scfnet.md#losses): soft dice of each of the student's first
 * `numOutputs` outputs (`out:0` … main first) against σ(teacher main output), weights 1, ½, ¼, ⅛.
 */
export function softDiceKdTerm(numOutputs: number, weight = 1): DistillTerm {
  return {
    name: 'soft-dice-kd', weight, module: null, teacherTaps: [MAIN_OUTPUT],
    studentTaps: Array.from({ length: numOutputs }, (_, k) => `${MAIN_OUTPUT}:${k}`),
    compute: (s, [t]) => softDiceKd(s, t),
  };
}
