/**
 * The shapes every reader agrees on. A reader lists a split into `SampleRef`s (paths only,
 * cheap, structured-cloneable so they can be posted to loader workers) and decodes one ref into
 * a `Sample` (typed arrays, row-major, NHWC without the N).
 */
import type { BoxCorners } from '@kd/core';

export type Task = 'sod' | 'seg' | 'det';

/** What a listed sample points at on disk. Paths are absolute. */
export interface SampleRef {
  /** Stable sample name (file stem or list entry). */
  name: string;
  image: string;
  /** SOD: the saliency mask PNG (8-bit grey or RGB). */
  mask?: string;
  /** Segmentation: the label PNG (palette indices or single-channel ids). */
  label?: string;
  /** VOC detection: the annotation XML. */
  annotation?: string;
  /** COCO detection: the boxes, already parsed from the JSON at listing time. */
  objects?: DetObject[];
  /** COCO detection: the JSON file the objects came from (for error messages). */
  annotationFile?: string;
  /** COCO detection: the image size the JSON declares. */
  declaredSize?: { width: number; height: number };
}

/** One object box in pixel-edge coordinates: pixel column i spans [i, i+1). */
export interface DetObject extends BoxCorners {
  /** Contiguous class index into the dataset's `classes`. */
  cls: number;
  /** VOC `difficult` or COCO `iscrowd`: evaluators ignore these. */
  difficult: boolean;
  truncated: boolean;
}

/**
 * A decoded sample. Arrays are row-major; `image` is [H, W, 3] RGB 0..255.
 * Exactly one of mask / label / boxes is set for labeled kinds, none for unlabeled ones.
 */
export interface Sample {
  name: string;
  width: number;
  height: number;
  /** [H, W, 3] RGB, 0..255. */
  image: Uint8Array;
  /** SOD: [H, W] soft saliency 0..255 (binarise at >128 for metrics). */
  mask?: Uint8Array;
  /** Segmentation: [H, W] train ids, 255 = ignore. */
  label?: Uint8Array;
  /** Detection: boxes in pixel-edge coordinates of this image. */
  objects?: DetObject[];
}

/** A sample a reader refused, with the file at fault and the reason. */
export interface BadSample {
  file: string;
  reason: string;
}

/** A listed split: the refs that look usable plus what was refused while listing. */
export interface DatasetIndex {
  kind: string;
  task: Task;
  root: string;
  split: string;
  /** Class names indexed by train id / class index (SOD: background, salient). */
  classes: readonly string[];
  refs: SampleRef[];
  /** Entries refused while listing (missing files, escaping paths, bad annotations). */
  bad: BadSample[];
}

/** The label value meaning "ignore this pixel" in every segmentation label map. */
export const IGNORE_LABEL = 255;
