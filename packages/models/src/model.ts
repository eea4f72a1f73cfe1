import type { DenseModel } from '@kd/core';

/** ImageNet mean/std on 0–255 RGB (torchvision / Paddle / CSNet preprocessing). */
export const IMAGENET_NORMALIZATION = {
  mean: [123.675, 116.28, 103.53] as [number, number, number],
  std: [58.395, 57.12, 57.375] as [number, number, number],
};

/**
 * What @kd/models adds to core's `DenseModel`: enough to rebuild, pre-process and post-process.
 * - `task`: 'sod' models output [N,H,W,1] logits (σ → saliency); 'seg' models [N,H,W,K] logits;
 *   'det' models raw head maps per level (see Yolox).
 * - `inputMultiple`: H and W must be multiples of this (the model's total stride where it matters).
 * - `buildOptions`: JSON-serialisable options so `createModel(name, {rng, ...buildOptions})`
 *   rebuilds the same architecture (used by `saveModel`/`loadModel`).
 */
export interface KdModel extends DenseModel {
  readonly task: 'sod' | 'seg' | 'det';
  /**
   * How the official test script resizes a prediction back to the image size: 'align-corners'
   * (KD-SCFNet: bilinear with align_corners=True) or 'half-pixel' (default; CSNet's skimage
   * order-1 resize, segmentation).
   */
  readonly outputResize?: 'align-corners' | 'half-pixel';
  readonly inputMultiple: number;
  readonly defaultInputSize: number;
  readonly buildOptions: Record<string, unknown>;
}

export function isKdModel(m: DenseModel): m is KdModel {
  const k = m as unknown as Partial<KdModel>;
  return typeof k.inputMultiple === 'number' && typeof k.task === 'string' && typeof k.buildOptions === 'object';
}

/** Throws naming the model when H or W is not a multiple of its total stride. */
export function assertInputSize(model: { name: string; inputMultiple: number }, shape: readonly number[]): void {
  const [, h, w, c] = shape;
  if (shape.length !== 4 || c !== 3) throw new Error(`${model.name}: input must be [N,H,W,3], got [${shape.join(',')}]`);
  if (h % model.inputMultiple || w % model.inputMultiple) {
    throw new Error(`${model.name}: input H and W must be multiples of ${model.inputMultiple}, got ${h}×${w} (resize or pad first)`);
  }
}
