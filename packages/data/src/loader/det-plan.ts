import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { augmentDetSample, type DetAugmentConfig } from '../transforms/det-augment.ts';
import {
  augmentYoloxSample,
  yoloxPartnerIndices,
  YOLOX_AUGMENT_DEFAULTS,
  type YoloxAugmentConfig,
} from '../transforms/yolox-augment.ts';
import { memorySamples, type DetSampleSource } from './det-sample-source.ts';

/**
 * The version of the batches `planDetBatches` draws for a given seed: part of every cache key of
 * what was trained or computed on them (teachers, teacher outputs), bumped whenever they change.
 * 2: lazy, one stream per (epoch, slot) (issue 18); 1: one sequential stream drawn up front.
 */
export const DET_PLAN_VERSION = 2;

export interface DetPlanOptions {
  epochs: number;
  batchSize: number;
  /** The plan's root stream: each epoch's order and each sample's augmentation fork from it. */
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
  /**
   * YOLOX's multi-scale training (METHODS §5.3: every 10 iterations a square size drawn from
   * (S/32 ± range)·32, 480–800 at S = 640). The first window keeps S; the batch is resized by
   * the step source (`sizeAt`). Off when absent or `range` is 0.
   */
  multiScale?: { range: number; every: number };
}

/**
 * The augmented batches of a schedule, computed when asked for. Step g of epoch e = ⌊g/P⌋
 * (P steps per epoch; the last partial batch dropped) holds positions [bP, bP + B) of that
 * epoch's seeded shuffle; the sample at position p is augmented with its own stream
 * `rng/epoch e/slot p`, so any step can be rebuilt alone (a resumed run, a second student of
 * the same seed, the teacher-output cache keyed by step) and nothing of the schedule is held
 * in memory.
 */
export interface DetBatchPlan {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** epochs · stepsPerEpoch. */
  readonly length: number;
  /** The square training size of global step g (the augmentation's size unless multi-scale). */
  sizeAt(g: number): number;
  /** The B augmented S×S samples of global step g (S = augment.size; `sizeAt` applies later). */
  batch(g: number): Promise<Sample[]>;
}

/**
 * A lazy batch plan over `samples` (in memory or a `DetSampleSource` decoded on demand): each
 * epoch a seeded shuffle, each sample augmented with `augmentDetSample` or, with
 * `mosaic`/`mixup`, YOLOX's pipeline (strong until the last `noAugEpochs`).
 */
export function planDetBatches(samples: readonly Sample[] | DetSampleSource, opts: DetPlanOptions): DetBatchPlan {
  const source = Array.isArray(samples) ? memorySamples(samples) : (samples as DetSampleSource);
  const n = source.length;
  const B = opts.batchSize;
  const perEpoch = Math.floor(n / B);
  if (perEpoch === 0) throw new Error(`planDetBatches: ${n} samples is fewer than one batch of ${B}`);
  const S = opts.augment.size;
  const yolox: YoloxAugmentConfig | null =
    opts.mosaic || opts.mixup
      ? {
          ...YOLOX_AUGMENT_DEFAULTS,
          size: S,
          numClasses: opts.augment.numClasses,
          padValue: opts.augment.padValue,
          mosaic: opts.mosaic ?? false,
          mixup: opts.mixup ?? false,
        }
      : null;
  const ms = opts.multiScale && opts.multiScale.range > 0 ? opts.multiScale : null;
  if (ms && !(Number.isInteger(ms.every) && ms.every >= 1))
    throw new Error(`planDetBatches: multiScale.every must be a positive integer, got ${ms.every}`);
  const length = opts.epochs * perEpoch;
  let orderEpoch = -1;
  let order: number[] = [];
  const epochOrder = (e: number) => {
    if (e !== orderEpoch) {
      order = opts.rng.fork(`epoch ${e}`).shuffle(Array.from({ length: n }, (_, i) => i));
      orderEpoch = e;
    }
    return order;
  };
  const check = (g: number) => {
    if (!(Number.isInteger(g) && g >= 0 && g < length))
      throw new RangeError(`planDetBatches: step ${g} outside the plan's [0, ${length})`);
  };
  return {
    epochs: opts.epochs,
    stepsPerEpoch: perEpoch,
    length,
    sizeAt(g) {
      check(g);
      const w = ms ? Math.floor(g / ms.every) : 0;
      if (w === 0) return S;
      const mid = Math.round(S / 32);
      const lo = Math.max(1, mid - ms!.range),
        hi = mid + ms!.range;
      return 32 * opts.rng.fork(`size window ${w}`).int(lo, hi + 1);
    },
    async batch(g) {
      check(g);
      const e = Math.floor(g / perEpoch),
        b = g % perEpoch;
      const ord = epochOrder(e);
      const strong = e < opts.epochs - (opts.noAugEpochs ?? 0);
      const out: Sample[] = [];
      for (let p = b * B; p < (b + 1) * B; p++) {
        const rng = opts.rng.fork(`epoch ${e}/slot ${p}`);
        const s = await source.get(ord[p]);
        if (!yolox) {
          out.push(augmentDetSample(rng, s, opts.augment));
          continue;
        }
        const idx = yoloxPartnerIndices(rng.fork('partners'), n, yolox, strong);
        const partners = {
          mosaic: await Promise.all(idx.mosaic.map((i) => source.get(i))),
          mixup: idx.mixup === null ? null : await source.get(idx.mixup),
        };
        out.push(augmentYoloxSample(rng, s, partners, yolox, strong));
      }
      return out;
    },
  };
}

/** Every batch of a plan, in order (tests and small in-memory sets). */
export async function allDetBatches(plan: DetBatchPlan): Promise<Sample[][]> {
  const out: Sample[][] = [];
  for (let g = 0; g < plan.length; g++) out.push(await plan.batch(g));
  return out;
}
