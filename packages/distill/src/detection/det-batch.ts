import * as tf from '@tensorflow/tfjs';
import type { Box } from '@kd/core';
import { normalizeInto, type Sample } from '@kd/data';
import type { DetTarget } from '@kd/models';

/** One detection batch on the training thread. */
export interface DetBatch {
  /** [N,S,S,3] normalised RGB. */
  x: tf.Tensor4D;
  /** Per image: corners [G·4] and classes [G] (G may be 0). */
  targets: DetTarget[];
  /** Per image: boxes as [x1,y1,x2,y2] tuples (for FSD's foreground masks). */
  boxes: Box[][];
  size: [number, number];
}

/** Packs equally sized samples into a batch (images normalised with `norm`). */
export function makeDetBatch(
  samples: readonly Sample[],
  norm: { mean: readonly number[]; std: readonly number[] },
): DetBatch {
  const { width: W, height: H } = samples[0];
  const px = W * H * 3;
  const data = new Float32Array(samples.length * px);
  const n3 = { mean: norm.mean as [number, number, number], std: norm.std as [number, number, number] };
  samples.forEach((s, i) => {
    if (s.width !== W || s.height !== H)
      throw new Error(`makeDetBatch: sample '${s.name}' is ${s.width}×${s.height}, batch is ${W}×${H}`);
    normalizeInto(s.image, data, i * px, n3);
  });
  const objs = samples.map((s) => s.objects ?? []);
  return {
    x: tf.tensor4d(data, [samples.length, H, W, 3]),
    targets: objs.map((o) => ({
      boxes: Float32Array.from(o.flatMap((b) => [b.x1, b.y1, b.x2, b.y2])),
      classes: Int32Array.from(o.map((b) => b.cls)),
    })),
    boxes: objs.map((o) => o.map((b): Box => [b.x1, b.y1, b.x2, b.y2])),
    size: [H, W],
  };
}

/**
 * The batch at S'×S' (YOLOX multi-scale): x resized bilinearly with half-pixel centres, box
 * corners and targets scaled by S'/S. The input batch's x is disposed. Same size: returned as is.
 */
export function resizedDetBatch(d: DetBatch, size: number): DetBatch {
  const [H, W] = d.size;
  if (size === H && size === W) return d;
  const sy = size / H,
    sx = size / W;
  const x = tf.tidy(() => tf.image.resizeBilinear(d.x, [size, size], false, true));
  d.x.dispose();
  const scale = (c: ArrayLike<number>) => Float32Array.from(c, (v, i) => v * (i % 2 === 0 ? sx : sy));
  return {
    x,
    targets: d.targets.map((t) => ({ boxes: scale(t.boxes), classes: t.classes })),
    boxes: d.boxes.map((bs) => bs.map((b): Box => [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy])),
    size: [size, size],
  };
}
