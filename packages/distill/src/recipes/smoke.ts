import type { Batch, LoaderPosition } from '@kd/data';
import type { BatchSource } from '../trainer/step-source.ts';

/** `--smoke`: optimizer steps per training stage. */
export const SMOKE_STEPS = 2;
/** `--smoke`: at most this many images per test set. */
export const SMOKE_EVAL_IMAGES = 4;

/** The trainer's `maxSteps` for a run: SMOKE_STEPS under `--smoke`, else none (the whole schedule). */
export const smokeSteps = (run: { smoke?: boolean }): number | undefined => (run.smoke ? SMOKE_STEPS : undefined);

/** The eval cap for a run: SMOKE_EVAL_IMAGES under `--smoke`, else none (the whole test set). */
export const smokeEvalLimit = (run: { smoke?: boolean }): number | undefined =>
  run.smoke ? SMOKE_EVAL_IMAGES : undefined;

/** An evaluation loader: one pass of `batches`, then `close`. */
export interface EvalLoader extends BatchSource {
  close(): Promise<void>;
}

/**
 * The batches of `loader` until `limit` images have been yielded (the batch that reaches it is
 * the last; build the loader with batch size `limit` to get exactly `limit` images).
 */
export function firstImages(loader: EvalLoader, limit: number): EvalLoader {
  return {
    stepsPerEpoch: Math.min(loader.stepsPerEpoch, 1),
    async *batches(from?: LoaderPosition, untilEpoch?: number): AsyncGenerator<Batch> {
      let n = 0;
      for await (const b of loader.batches(from, untilEpoch)) {
        yield b;
        n += b.size;
        if (n >= limit) return;
      }
    },
    close: () => loader.close(),
  };
}

/** An eval loader built at `batch`, or (with `limit`) at batch `limit` cut to its first `limit` images. */
export function limited(limit: number | undefined, make: (batchSize: number) => EvalLoader, batch: number): EvalLoader {
  return limit === undefined ? make(batch) : firstImages(make(limit), limit);
}
