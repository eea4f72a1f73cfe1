import { Rng } from '@kd/core';
import type { Batch } from '@kd/data';
import type { BatchSource } from '../step-source.ts';

/** Deterministic segmentation batches: `steps` per epoch of N×32×32 (3 classes). */
export function segSource(steps: number, N = 2): BatchSource {
  return {
    stepsPerEpoch: steps,
    async *batches(from = { epoch: 0, step: 0 }, untilEpoch = 1) {
      for (let e = from.epoch; e < untilEpoch; e++) {
        for (let s = e === from.epoch ? from.step : 0; s < steps; s++) {
          const rng = new Rng(100 + s + 10 * e);
          const images = rng.fillNormal(new Float32Array(N * 32 * 32 * 3), 0, 1);
          const labels = Uint8Array.from({ length: N * 32 * 32 }, (_, i) =>
            images[3 * i] > 0 ? 1 : images[3 * i + 1] > 0 ? 2 : 0,
          );
          yield {
            epoch: e,
            step: s,
            size: N,
            height: 32,
            width: 32,
            names: [`a${s}`, `b${s}`],
            images,
            labels,
            skipped: [],
          } as Batch;
        }
      }
    },
  };
}
