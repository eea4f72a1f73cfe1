import { badFromError, datasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, Sample, SampleRef } from '../dataset/types.ts';
import { augmentSample, pickBatchSize, resolveNormalization, type AugmentConfig } from '../transforms/augment.ts';
import { assembleBatch, type Batch } from './batch.ts';
import { batchRng, sampleRng } from './epoch-order.ts';

/** What a batch builder needs; plain data, sent once to each worker. */
export interface BatchContext {
  kind: string;
  refs: SampleRef[];
  augment: AugmentConfig;
  seed: number;
  skipBad: boolean;
}

/** One unit of work: the dataset indices of batch `step` of `epoch`. */
export interface BatchTask {
  epoch: number;
  step: number;
  indices: number[];
}

/**
 * Decodes (concurrently), augments and packs one batch. Deterministic in (seed, epoch, step,
 * indices): sample i uses `sampleRng(seed, epoch, i)`, the batch size comes from
 * `batchRng(seed, epoch, step)`. With `skipBad`, a sample whose decoding throws a DataError is
 * left out and reported in `skipped`; any other error propagates.
 */
export async function buildBatch(ctx: BatchContext, task: BatchTask): Promise<Batch> {
  const kind = datasetKind(ctx.kind);
  const skipped: BadSample[] = [];
  const loaded = await Promise.all(
    task.indices.map(async (i): Promise<[number, Sample] | null> => {
      try {
        return [i, await kind.load(ctx.refs[i])];
      } catch (e) {
        if (!ctx.skipBad) throw e;
        skipped.push(badFromError(e, ctx.refs[i].image));
        return null;
      }
    }),
  );
  const samples = loaded
    .filter((x): x is [number, Sample] => x !== null)
    .map(([i, s]) => augmentSample(sampleRng(ctx.seed, task.epoch, i), s, ctx.augment));
  const [H, W] = pickBatchSize(batchRng(ctx.seed, task.epoch, task.step), ctx.augment);
  return assembleBatch(samples, H, W, resolveNormalization(ctx.augment.normalize), {
    epoch: task.epoch,
    step: task.step,
    skipped,
  });
}
