import { Rng } from '@kd/core';
import { renderSodScene, type Batch } from '@kd/data';
import type { BatchSource } from '../step-source.ts';

/** In-memory synthetic SOD batches (n scenes, size², seeded order per epoch), as the loader yields them. */
export function sodSource(seed: number, n: number, size: number, batch: number, shuffle = true): BatchSource {
  const scenes = Array.from({ length: n }, (_, i) =>
    renderSodScene(new Rng(seed, 'scenes').fork(String(i)), size, size),
  );
  const steps = Math.floor(n / batch);
  return {
    stepsPerEpoch: steps,
    async *batches(from = { epoch: 0, step: 0 }, untilEpoch = 1) {
      for (let e = from.epoch; e < untilEpoch; e++) {
        const order = shuffle ? new Rng(seed, `order/${e}`).shuffle(scenes.map((_, i) => i)) : scenes.map((_, i) => i);
        for (let s = e === from.epoch ? from.step : 0; s < steps; s++) {
          const idx = order.slice(s * batch, (s + 1) * batch);
          const hw = size * size;
          const images = new Float32Array(batch * hw * 3),
            masks = new Float32Array(batch * hw);
          idx.forEach((k, b) => {
            scenes[k].rgb.forEach((v, j) => (images[b * hw * 3 + j] = (v - 128) / 64));
            scenes[k].mask.forEach((v, j) => (masks[b * hw + j] = v / 255));
          });
          yield {
            epoch: e,
            step: s,
            size: batch,
            height: size,
            width: size,
            names: idx.map(String),
            images,
            masks,
            skipped: [],
          } as unknown as Batch;
        }
      }
    },
  };
}
