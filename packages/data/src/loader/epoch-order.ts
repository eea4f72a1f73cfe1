import { Rng } from '@kd/core';

/**
 * The sample order of one epoch: a permutation of 0..n−1 that depends only on (seed, epoch),
 * so resuming at (epoch, step) replays exactly the batches a run would have seen.
 */
export function epochOrder(n: number, seed: number, epoch: number, shuffle = true): number[] {
  const ids = Array.from({ length: n }, (_, i) => i);
  return shuffle ? new Rng(seed).fork('loader-order').fork(String(epoch)).shuffle(ids) : ids;
}

/** Batches per epoch: ⌊n / B⌋ with dropLast, else ⌈n / B⌉. */
export function stepsPerEpoch(n: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** The dataset indices of batch `step` in `order`. */
export function batchIndices(order: readonly number[], step: number, batchSize: number): number[] {
  return order.slice(step * batchSize, (step + 1) * batchSize);
}

/** The generator of a sample's augmentation in an epoch (independent of batch and worker). */
export const sampleRng = (seed: number, epoch: number, index: number): Rng =>
  new Rng(seed).fork('loader-augment').fork(`${epoch}:${index}`);

/** The generator of a batch's choices (multi-scale size). */
export const batchRng = (seed: number, epoch: number, step: number): Rng =>
  new Rng(seed).fork('loader-batch').fork(`${epoch}:${step}`);
