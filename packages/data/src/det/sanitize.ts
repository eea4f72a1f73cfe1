import { DataError } from '@kd/core';
import type { DetObject } from '../dataset/types.ts';

/** Why a box was left out of training (one entry per dropped box). */
export interface DroppedBox {
  /** Index of the box in the input list. */
  index: number;
  reason: 'non-finite' | 'empty' | 'outside' | 'too-small';
}

export interface SanitizeOptions {
  /** Boxes narrower or shorter than this after clipping are dropped (mmdet FilterAnnotations: 1 px). */
  minSize?: number;
  /** Number of classes; a class index outside 0..numClasses−1 is a DataError. */
  numClasses: number;
  /** Names the sample in error messages. */
  where?: string;
}

/**
 * The one rule for detection boxes entering training or evaluation (pixel-edge corners in an
 * image of width × height):
 * - a coordinate that is NaN or ±∞ → dropped ('non-finite');
 * - zero or negative width or height (x2 ≤ x1 or y2 ≤ y1) → dropped ('empty');
 * - no overlap with the image → dropped ('outside');
 * - partly outside → clipped to [0, width] × [0, height]; then narrower or shorter than
 *   `minSize` (1 px) → dropped ('too-small');
 * - a class index outside 0..numClasses−1 (or not an integer) → DataError naming it: a class the
 *   model cannot represent is a configuration error, never silently dropped.
 * An image with no boxes is valid: an empty list trains as all-background.
 */
export function sanitizeBoxes(
  objects: readonly DetObject[],
  width: number,
  height: number,
  opts: SanitizeOptions,
): { kept: DetObject[]; dropped: DroppedBox[] } {
  const min = opts.minSize ?? 1;
  const kept: DetObject[] = [];
  const dropped: DroppedBox[] = [];
  objects.forEach((o, index) => {
    if (!Number.isInteger(o.cls) || o.cls < 0 || o.cls >= opts.numClasses) {
      throw new DataError(`box ${index}: class index ${o.cls} is outside 0..${opts.numClasses - 1}`, opts.where);
    }
    if (![o.x1, o.y1, o.x2, o.y2].every(Number.isFinite)) return void dropped.push({ index, reason: 'non-finite' });
    if (!(o.x2 > o.x1 && o.y2 > o.y1)) return void dropped.push({ index, reason: 'empty' });
    if (o.x2 <= 0 || o.y2 <= 0 || o.x1 >= width || o.y1 >= height)
      return void dropped.push({ index, reason: 'outside' });
    const c = {
      ...o,
      x1: Math.max(0, o.x1),
      y1: Math.max(0, o.y1),
      x2: Math.min(width, o.x2),
      y2: Math.min(height, o.y2),
    };
    if (c.x2 - c.x1 < min || c.y2 - c.y1 < min) return void dropped.push({ index, reason: 'too-small' });
    kept.push(c);
  });
  return { kept, dropped };
}

/**
 * Maps a dataset's class names onto a model's class list: result[i] is the model index of
 * dataset class i. A dataset class the model does not know is a DataError listing both lists
 * (e.g. evaluating a 2-class Fall model on VOC).
 */
export function mapClassNames(
  datasetClasses: readonly string[],
  modelClasses: readonly string[],
  where = 'dataset',
): number[] {
  return datasetClasses.map((name) => {
    const i = modelClasses.indexOf(name);
    if (i < 0) throw new DataError(`unknown class name '${name}'; the model knows: ${modelClasses.join(', ')}`, where);
    return i;
  });
}
