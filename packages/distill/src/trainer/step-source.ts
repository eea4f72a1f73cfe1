import type { Batch, LoaderPosition } from '@kd/data';
import type { DetBatchPlan } from '@kd/data';
import { makeDetBatch, resizedDetBatch } from '../detection/det-batch.ts';
import { denseTrainBatch, type TrainBatch } from './train-batch.ts';

/**
 * Where the trainer's batches come from: steps per epoch and an iterator from a position to the
 * end of an epoch, yielding tensors the trainer disposes after each step. Every source is
 * deterministic by position, so a stage can be re-run (KA's pre-stage and the student stage see
 * the same batches) and a run can resume mid-way.
 */
export interface StepSource {
  readonly stepsPerEpoch: number;
  batches(from: LoaderPosition, untilEpoch: number): AsyncGenerator<TrainBatch>;
}

/** Anything that yields loader batches by epoch (the @kd/data DataLoader). */
export interface BatchSource {
  readonly stepsPerEpoch: number;
  batches(from?: LoaderPosition, untilEpoch?: number): AsyncGenerator<Batch>;
}

/** A dense loader (SOD, segmentation) as a step source; `keyPrefix` names the loader seed in cache keys. */
export function loaderSource(loader: BatchSource, keyPrefix = ''): StepSource {
  return {
    stepsPerEpoch: loader.stepsPerEpoch,
    async *batches(from, untilEpoch) {
      for await (const raw of loader.batches(from, untilEpoch)) yield denseTrainBatch(raw, keyPrefix);
    },
  };
}

/**
 * A detection batch plan (`planDetBatches`: lazily augmented S×S samples by global step) as a
 * step source; images normalised with `norm`; `keyOf(globalStep)` names each batch for the
 * cache. With multi-scale (`plan.sizeAt(g)` ≠ S) the batch is resized bilinearly (half-pixel
 * centres, as mmdet's YOLOX `F.interpolate(align_corners=False)`) and its boxes scaled by the
 * same factor, so FSD's masks and the detector's targets live on the resized image.
 */
export function planSource(
  plan: DetBatchPlan,
  norm: { mean: readonly number[]; std: readonly number[] },
  keyOf: (step: number) => string,
): StepSource {
  if (plan.length === 0) throw new Error('planSource: empty batch plan');
  const stepsPerEpoch = plan.stepsPerEpoch;
  return {
    stepsPerEpoch,
    async *batches(from, untilEpoch) {
      const end = Math.min(plan.length, untilEpoch * stepsPerEpoch);
      for (let g = from.epoch * stepsPerEpoch + from.step; g < end; g++) {
        const samples = await plan.batch(g);
        const d = resizedDetBatch(makeDetBatch(samples, norm), plan.sizeAt(g));
        yield {
          x: d.x,
          mask: null,
          label: null,
          boxes: d.boxes,
          targets: d.targets,
          size: samples.length,
          imageSize: d.size,
          epoch: Math.floor(g / stepsPerEpoch),
          step: g % stepsPerEpoch,
          key: keyOf(g),
        };
      }
    },
  };
}
