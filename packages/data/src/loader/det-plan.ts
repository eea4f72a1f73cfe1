import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { augmentDetSample, type DetAugmentConfig } from '../transforms/det-augment.ts';

export interface DetPlanOptions {
  epochs: number;
  batchSize: number;
  /** Order and augmentation stream. */
  rng: Rng;
  augment: DetAugmentConfig;
}

/**
 * The augmented batches of a whole schedule, in training order: each epoch a seeded shuffle
 * (the last partial batch dropped), each sample augmented with `augmentDetSample`. Drawing the
 * plan once lets several students (the ablation rows of one seed) see exactly the same batches,
 * and a frozen teacher's taps be computed once per batch (`TeacherTapCache`).
 */
export function planDetBatches(samples: readonly Sample[], opts: DetPlanOptions): Sample[][] {
  const perEpoch = Math.floor(samples.length / opts.batchSize);
  if (perEpoch === 0) throw new Error(`planDetBatches: ${samples.length} samples is fewer than one batch of ${opts.batchSize}`);
  const out: Sample[][] = [];
  for (let e = 0; e < opts.epochs; e++) {
    const order = opts.rng.shuffle(Array.from({ length: samples.length }, (_, i) => i));
    for (let b = 0; b < perEpoch; b++) {
      out.push(order.slice(b * opts.batchSize, (b + 1) * opts.batchSize).map((i) => augmentDetSample(opts.rng, samples[i], opts.augment)));
    }
  }
  return out;
}
