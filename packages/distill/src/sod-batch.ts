import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import type { SodArrays } from './sod-arrays.ts';

export interface SodBatch {
  /** Normalised images [N,H,W,3]. */
  x: tf.Tensor4D;
  /** Masks in [0,1] [N,H,W,1], when the split is labeled. */
  y: tf.Tensor4D | null;
}

export interface BatchOptions {
  mean: readonly number[];
  std: readonly number[];
  /** Seeded augmentation: horizontal flip with probability `hflip`. */
  rng?: Rng;
  hflip?: number;
}

/**
 * Builds one batch from `indices` of an in-memory split: (rgb − mean)/std per channel,
 * masks /255 (soft), each sample flipped left–right with probability `hflip` (mask follows).
 */
export function makeSodBatch(data: SodArrays, indices: readonly number[], opts: BatchOptions): SodBatch {
  const { width: W, height: H } = data;
  const n = indices.length;
  const x = new Float32Array(n * H * W * 3);
  const hasMask = data.masks[indices[0]] !== null;
  const y = hasMask ? new Float32Array(n * H * W) : null;
  indices.forEach((idx, b) => {
    const flip = opts.rng && opts.hflip ? opts.rng.chance(opts.hflip) : false;
    const img = data.images[idx];
    const mask = data.masks[idx];
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) {
        const src = r * W + (flip ? W - 1 - c : c);
        const dst = b * H * W + r * W + c;
        for (let k = 0; k < 3; k++) x[3 * dst + k] = (img[3 * src + k] - opts.mean[k]) / opts.std[k];
        if (y && mask) y[dst] = mask[src] / 255;
      }
    }
  });
  return {
    x: tf.tensor4d(x, [n, H, W, 3]),
    y: y ? tf.tensor4d(y, [n, H, W, 1]) : null,
  };
}

export function disposeBatch(b: SodBatch): void {
  b.x.dispose();
  b.y?.dispose();
}

/** Seeded epoch order split into full batches (the last partial batch is dropped, as drop_last). */
export function epochBatches(rng: Rng, size: number, batchSize: number): number[][] {
  const order = rng.shuffle(Array.from({ length: size }, (_, i) => i));
  const out: number[][] = [];
  for (let i = 0; i + batchSize <= order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}
