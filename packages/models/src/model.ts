import type * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/nn';
import type { DetBox, PostprocessOptions } from './families/yolox/postprocess.ts';
import type { Priors } from './families/yolox/priors.ts';
import type { DetTarget, YoloxLossOptions, YoloxLossParts } from './families/yolox/yolox-loss.ts';

/** ImageNet mean/std on 0–255 RGB (torchvision / Paddle / CSNet preprocessing). */
export const IMAGENET_NORMALIZATION = {
  mean: [123.675, 116.28, 103.53] as [number, number, number],
  std: [58.395, 57.12, 57.375] as [number, number, number],
};

/**
 * What a model's outputs mean: 'sod' [N,H,W,1] logits (σ → saliency); 'seg' [N,H,W,K] logits;
 * 'det' raw head maps per level (see `DetectionModel`); 'features' a backbone's feature maps
 * (one per tap, coarsest last).
 */
export type ModelTask = 'sod' | 'seg' | 'det' | 'features';

/**
 * The part every registered model shares, over core's `DenseModel` (forward with taps,
 * parameters, train/eval, dispose, input normalisation): enough to rebuild, pre-process and
 * post-process.
 * - `inputMultiple`: H and W must be multiples of this (the model's total stride where it matters).
 * - `buildOptions`: JSON-serialisable options so `createModel(name, {rng, ...buildOptions})`
 *   rebuilds the same architecture (used by `saveModel`/`loadModel`).
 */
export interface ModelBase<T extends ModelTask = ModelTask> extends DenseModel {
  readonly task: T;
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

/** Salient-object detection: outputs [N,H,W,1] logits at the input size, main output first. */
export type SodModel = ModelBase<'sod'>;

/** Semantic segmentation: outputs [N,H,W,K] logits at the input size, K = `numClasses`. */
export interface SegModel extends ModelBase<'seg'> {
  readonly numClasses: number;
}

/** A classification trunk without its head: outputs are its feature maps (= its taps). */
export type BackboneModel = ModelBase<'features'>;

/**
 * Detection: `forward` returns raw head maps per level, [N,H/s,W/s,4+1+K] for s in `strides`;
 * `loss` trains against per-image boxes, `detect` decodes + NMS in eval mode.
 */
export interface DetectionModel extends ModelBase<'det'> {
  readonly numClasses: number;
  readonly strides: readonly number[];
  /** The anchor points of an input of [height, width]. */
  priors(height: number, width: number): Priors;
  loss(outputs: readonly tf.Tensor4D[], targets: readonly DetTarget[], opts?: YoloxLossOptions): YoloxLossParts;
  detect(x: tf.Tensor4D, opts?: PostprocessOptions): DetBox[][];
}

/**
 * The one model contract: every registered model is one of these, told apart by `task`
 * (`if (m.task === 'det') m.detect(…)` narrows without a cast; see also `isTask`).
 */
export type KdModel = SodModel | SegModel | DetectionModel | BackboneModel;

/** The contract of the models of `task`. */
export type TaskModel<T extends ModelTask> = Extract<KdModel, { task: T }>;

const TASKS: readonly string[] = ['sod', 'seg', 'det', 'features'] satisfies ModelTask[];

/** True when `m` carries the kdlab model description (task, input multiple, build options). */
export function isKdModel(m: DenseModel): m is KdModel {
  return (
    'task' in m &&
    typeof m.task === 'string' &&
    TASKS.includes(m.task) &&
    'inputMultiple' in m &&
    typeof m.inputMultiple === 'number' &&
    'buildOptions' in m &&
    typeof m.buildOptions === 'object'
  );
}

/** Narrows a model to the contract of `task` (e.g. `if (!isTask(m, 'det')) throw …`). */
export function isTask<T extends ModelTask>(m: KdModel, task: T): m is TaskModel<T> {
  return m.task === task;
}

/** Throws naming the model when H or W is not a multiple of its total stride. */
export function assertInputSize(model: { name: string; inputMultiple: number }, shape: readonly number[]): void {
  const [, h, w, c] = shape;
  if (shape.length !== 4 || c !== 3)
    throw new Error(`${model.name}: input must be [N,H,W,3], got [${shape.join(',')}]`);
  if (h % model.inputMultiple || w % model.inputMultiple) {
    throw new Error(
      `${model.name}: input H and W must be multiples of ${model.inputMultiple}, got ${h}×${w} (resize or pad first)`,
    );
  }
}
