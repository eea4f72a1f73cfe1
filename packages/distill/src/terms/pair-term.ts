import * as tf from '@tensorflow/tfjs';
import { resizeBilinear } from '@kd/runtime';
import { createLoss, type PairLossName } from '@kd/losses';
import type { Term } from './term.ts';

/**
 * A term from any registered pair loss (`pixel-kl`, `cwd`, `pairwise`, `attention-transfer`,
 * `bcd-context`, `bcd-boundary`, `dist`, …) on one student tap and one teacher tap.
 * `alignSpatial`: losses that need equal grids (pair-wise, AT) compare the student map resized
 * bilinearly (half-pixel) to the teacher's grid; channel counts may differ.
 */
export function pairTerm(
  loss: PairLossName,
  weight: number,
  studentTap: string,
  teacherTap: string,
  options: Record<string, unknown> = {},
  name: string = loss,
  { alignSpatial = false }: { alignSpatial?: boolean } = {},
): Term {
  const l = createLoss(loss, options as never);
  return {
    name,
    weight,
    studentTaps: [studentTap],
    teacherTaps: [teacherTap],
    needs: [],
    module: l.module,
    compute: ({ student: [s], teacher: [t] }) => {
      const sameGrid = s.shape[1] === t.shape[1] && s.shape[2] === t.shape[2];
      if (!alignSpatial || sameGrid) return l.compute({ student: s, teacher: t } as never);
      return tf.tidy(() => l.compute({ student: resizeBilinear(s, [t.shape[1], t.shape[2]]), teacher: t } as never));
    },
  };
}
