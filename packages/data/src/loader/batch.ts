import type { BadSample, Sample } from '../dataset/types.ts';
import type { Normalization } from '../transforms/normalize.ts';
import { normalizeInto } from '../transforms/normalize.ts';
import { resizeBilinear, resizeNearest } from '../transforms/resize.ts';

/**
 * One batch as typed arrays, ready for `tf.tensor(images, [N, H, W, 3])` etc. on the training
 * thread. N may be smaller than the batch size when `skipBad` dropped samples (see `skipped`).
 */
export interface Batch {
  epoch: number;
  step: number;
  /** N, the number of samples actually in the batch. */
  size: number;
  height: number;
  width: number;
  names: string[];
  /** [N, H, W, 3] normalised RGB. */
  images: Float32Array;
  /** SOD: [N, H, W, 1] soft saliency in [0, 1]. */
  masks?: Float32Array;
  /** Segmentation: [N, H, W] train ids, 255 = ignore. */
  labels?: Uint8Array;
  /** Detection: [B, 4] boxes x1, y1, x2, y2 in batch pixel-edge coordinates (all images concatenated). */
  boxes?: Float32Array;
  /** Detection: [B] class index of each box. */
  boxClasses?: Int32Array;
  /** Detection: [B] index of the box's image in the batch (0..N−1). */
  boxImage?: Int32Array;
  /** Detection: [B] 1 for difficult / crowd boxes. */
  boxDifficult?: Uint8Array;
  /** Samples of this batch that were refused and skipped (only with skipBad). */
  skipped: BadSample[];
}

/**
 * Resizes every sample to H×W and packs them: images bilinear then normalised, masks bilinear
 * ÷ 255, labels nearest, boxes scaled. Which arrays exist follows the first sample.
 */
export function assembleBatch(
  samples: readonly Sample[],
  H: number,
  W: number,
  norm: Normalization,
  meta: { epoch: number; step: number; skipped: BadSample[] },
): Batch {
  const N = samples.length,
    px = H * W;
  const first = samples[0];
  const b: Batch = {
    ...meta,
    size: N,
    height: H,
    width: W,
    names: samples.map((s) => s.name),
    images: new Float32Array(N * px * 3),
  };
  if (first?.mask) b.masks = new Float32Array(N * px);
  if (first?.label) b.labels = new Uint8Array(N * px);
  const boxes: number[] = [],
    cls: number[] = [],
    img: number[] = [],
    diff: number[] = [];
  const tmp = new Float32Array(px * 3);
  samples.forEach((s, n) => {
    const same = s.width === W && s.height === H;
    normalizeInto(
      same ? s.image : resizeBilinear(s.image, s.width, s.height, 3, W, H, tmp),
      b.images,
      n * px * 3,
      norm,
    );
    if (b.masks) {
      if (!s.mask) throw new Error(`assembleBatch: sample '${s.name}' has no mask but the batch has masks`);
      const m = same ? s.mask : resizeBilinear(s.mask, s.width, s.height, 1, W, H, tmp.subarray(0, px));
      for (let i = 0; i < px; i++) b.masks[n * px + i] = m[i] / 255;
    }
    if (b.labels) {
      if (!s.label) throw new Error(`assembleBatch: sample '${s.name}' has no label but the batch has labels`);
      b.labels.set(same ? s.label : resizeNearest(s.label, s.width, s.height, W, H), n * px);
    }
    const fx = W / s.width,
      fy = H / s.height;
    for (const o of s.objects ?? []) {
      boxes.push(o.x1 * fx, o.y1 * fy, o.x2 * fx, o.y2 * fy);
      cls.push(o.cls);
      img.push(n);
      diff.push(o.difficult ? 1 : 0);
    }
  });
  if (first?.objects) {
    b.boxes = Float32Array.from(boxes);
    b.boxClasses = Int32Array.from(cls);
    b.boxImage = Int32Array.from(img);
    b.boxDifficult = Uint8Array.from(diff);
  }
  return b;
}

/** The ArrayBuffers of a batch, for a zero-copy `postMessage` transfer. */
export function batchTransferables(b: Batch): ArrayBuffer[] {
  return [b.images, b.masks, b.labels, b.boxes, b.boxClasses, b.boxImage, b.boxDifficult]
    .filter((a): a is NonNullable<typeof a> => a !== undefined)
    .map((a) => a.buffer as ArrayBuffer);
}
