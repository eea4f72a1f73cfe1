import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { augmentDetSample, type DetAugmentConfig } from '../transforms/det-augment.ts';
import { augmentYoloxSample, YOLOX_AUGMENT_DEFAULTS } from '../transforms/yolox-augment.ts';

export interface DetPlanOptions {
  epochs: number;
  batchSize: number;
  /** Order and augmentation stream. */
  rng: Rng;
  augment: DetAugmentConfig;
  /**
   * YOLOX's pipeline instead of `augmentDetSample` (`augmentYoloxSample`: Mosaic + RandomAffine,
   * MixUp, HSV, flip, keep-ratio resize, pad) when either is on. Default off.
   */
  mosaic?: boolean;
  mixup?: boolean;
  /** The last epochs without Mosaic/RandomAffine/MixUp (YOLOX's no-aug epochs; default 0). */
  noAugEpochs?: number;
}

/**
 * The augmented batches of a whole schedule, in training order: each epoch a seeded shuffle
 * (the last partial batch dropped), each sample augmented with `augmentDetSample` (or, with
 * `mosaic`/`mixup`, YOLOX's pipeline, strong until the last `noAugEpochs`). Drawing the
 * plan once lets several students (the ablation rows of one seed) see exactly the same batches,
 * and a frozen teacher's taps be computed once per batch (`TeacherTapCache`).
 */
export function planDetBatches(samples: readonly Sample[], opts: DetPlanOptions): Sample[][] {
  const perEpoch = Math.floor(samples.length / opts.batchSize);
  if (perEpoch === 0)
    throw new Error(`planDetBatches: ${samples.length} samples is fewer than one batch of ${opts.batchSize}`);
  const out: Sample[][] = [];
  const yolox =
    opts.mosaic || opts.mixup
      ? {
          ...YOLOX_AUGMENT_DEFAULTS,
          size: opts.augment.size,
          numClasses: opts.augment.numClasses,
          padValue: opts.augment.padValue,
          mosaic: opts.mosaic ?? false,
          mixup: opts.mixup ?? false,
        }
      : null;
  for (let e = 0; e < opts.epochs; e++) {
    const order = opts.rng.shuffle(Array.from({ length: samples.length }, (_, i) => i));
    for (let b = 0; b < perEpoch; b++) {
      out.push(
        order
          .slice(b * opts.batchSize, (b + 1) * opts.batchSize)
          .map((i) =>
            yolox
              ? augmentYoloxSample(opts.rng, samples, i, yolox, e < opts.epochs - (opts.noAugEpochs ?? 0))
              : augmentDetSample(opts.rng, samples[i], opts.augment),
          ),
      );
    }
  }
  return out;
}
