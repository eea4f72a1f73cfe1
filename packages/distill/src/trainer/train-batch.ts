import * as tf from '@tensorflow/tfjs';
import type { Box } from '@kd/core';
import type { Batch } from '@kd/data';
import type { DetTarget } from '@kd/models';

/**
 * What one training step sees: the network input and every ground-truth field its data carries
 * (null where the task has none). Task losses and distillation terms read fields by name; a term
 * declares the fields it needs (`Term.needs`) and the dry run checks them before step 1.
 */
export interface TrainBatch {
  /** [N,H,W,3] normalised RGB. */
  x: tf.Tensor4D;
  /** SOD: [N,H,W,1] soft saliency in [0,1]. */
  mask: tf.Tensor4D | null;
  /** Segmentation: int32 [N,H,W] train ids, 255 = ignore. */
  label: tf.Tensor3D | null;
  /** Detection: per image, gt boxes [x1,y1,x2,y2] in input pixels (FSD's foreground masks). */
  boxes: Box[][] | null;
  /** Detection: per image, corners [G·4] and classes [G] (the detector's own objective). */
  targets: DetTarget[] | null;
  /** N. */
  size: number;
  /** [H, W] of `x`. */
  imageSize: [number, number];
  /** Epoch and step within the epoch (0-based). */
  epoch: number;
  step: number;
  /** Names everything that fixes this batch's input (seed, position, samples, size): the teacher-cache key. */
  key: string;
}

/** The ground-truth fields a term or task may need. */
export type BatchField = 'mask' | 'label' | 'boxes' | 'targets';

/** A dense loader batch as tensors; `key` from `keyOf` (default: position, size and sample names). */
export function denseTrainBatch(b: Batch, keyPrefix = ''): TrainBatch {
  const [N, H, W] = [b.size, b.height, b.width];
  return {
    x: tf.tensor4d(b.images, [N, H, W, 3]),
    mask: b.masks ? tf.tensor4d(b.masks, [N, H, W, 1]) : null,
    label: b.labels ? tf.tensor3d(Int32Array.from(b.labels), [N, H, W], 'int32') : null,
    boxes: null,
    targets: null,
    size: N,
    imageSize: [H, W],
    epoch: b.epoch,
    step: b.step,
    key: `${keyPrefix}${b.epoch}/${b.step}|${W}x${H}|${b.names.join(',')}`,
  };
}

/** Frees the tensors of a batch. */
export function disposeTrainBatch(b: TrainBatch): void {
  b.x.dispose();
  b.mask?.dispose();
  b.label?.dispose();
}
