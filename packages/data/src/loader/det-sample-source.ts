import type { Sample } from '../dataset/types.ts';

/**
 * The training images of a detection split, by index. A synthetic twin or a test fixture lives in
 * memory (`memorySamples`); a real split (VOC 16.5k, COCO 118k images) is decoded on demand
 * (`lazySamples`) with a small LRU of decoded samples, so memory does not grow with the dataset.
 */
export interface DetSampleSource {
  readonly length: number;
  get(index: number): Promise<Sample>;
}

/** An in-memory split as a source. */
export function memorySamples(samples: readonly Sample[]): DetSampleSource {
  return {
    length: samples.length,
    async get(i) {
      const s = samples[i];
      if (!s) throw new RangeError(`memorySamples: index ${i} outside [0, ${samples.length})`);
      return s;
    },
  };
}

/**
 * `length` samples decoded by `load(i)` when first asked for; the last `cacheSize` decoded ones
 * are kept (Mosaic asks for four images per sample, and the same partners recur within a batch).
 * Concurrent requests for one index share one decode.
 */
export function lazySamples(length: number, load: (index: number) => Promise<Sample>, cacheSize = 64): DetSampleSource {
  if (!(cacheSize >= 1)) throw new RangeError(`lazySamples: cacheSize must be ≥ 1, got ${cacheSize}`);
  const cache = new Map<number, Promise<Sample>>();
  return {
    length,
    get(i) {
      if (!(Number.isInteger(i) && i >= 0 && i < length))
        return Promise.reject(new RangeError(`lazySamples: index ${i} outside [0, ${length})`));
      const hit = cache.get(i);
      if (hit) {
        cache.delete(i); // refresh its recency
        cache.set(i, hit);
        return hit;
      }
      const p = load(i);
      p.catch(() => cache.delete(i)); // a failed decode is retried (and rethrown) next time
      cache.set(i, p);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return p;
    },
  };
}
