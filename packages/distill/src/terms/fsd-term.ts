import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { tapSpec, type DenseModel } from '@kd/nn';
import { createLoss, gaussianForegroundMask, type FsdComponents } from '@kd/losses';
import type { Term } from './term.ts';

export interface FsdTermOptions {
  /** Gaussian foreground mask: 'intended' (box-centred, default) or the official code's 'literal' formula. */
  gaussian?: 'intended' | 'literal';
  /** Which FSD parts are on (all by default). */
  components?: Partial<FsdComponents>;
}

/**
 * FSD at one FPN level (docs/methods/fsd.md): `fsd` (fg/bg KL + attention + GcBlock relation,
 * 1×1 align conv when channels differ) between the student's and the teacher's `tap`, with the
 * Gaussian foreground mask of the batch's gt boxes at that level's grid — so it needs the
 * batch's `boxes`. One term per level; L_FSD = Σ_l weight·L_l is added to the detection loss.
 * `rng` seeds the level's align conv and GcBlock (the ablation forks it by tap name).
 */
export function fsdTerm(
  rng: Rng,
  student: DenseModel,
  teacher: DenseModel,
  tap: string,
  weight = 1,
  o: FsdTermOptions = {},
): Term {
  const s = tapSpec(student, tap),
    t = tapSpec(teacher, tap);
  if (s.stride !== t.stride)
    throw new Error(`fsd: tap '${tap}' has stride ${s.stride} in the student but ${t.stride} in the teacher`);
  const l = createLoss('fsd', {
    rng,
    studentChannels: s.channels,
    teacherChannels: t.channels,
    components: o.components,
  });
  const mode = o.gaussian ?? 'intended';
  return {
    name: `fsd.${tap}`,
    weight,
    studentTaps: [tap],
    teacherTaps: [tap],
    needs: ['boxes'],
    module: l.module,
    compute: ({ student: [sf], teacher: [tf4], batch }) =>
      tf.tidy(() => {
        const foreground = gaussianForegroundMask(batch.boxes!, {
          imageSize: batch.imageSize,
          featureSize: [tf4.shape[1], tf4.shape[2]],
          mode,
        });
        return l.compute({ student: sf, teacher: tf4, foreground });
      }),
  };
}
