import * as tf from '@tensorflow/tfjs';
import { DataError, type Box } from '@kd/core';

export interface ForegroundMaskOptions {
  /** Network input size [height, width] in pixels (mmdet `img_shape`). */
  imageSize: [number, number];
  /** Feature map size [H, W] of the distilled level. */
  featureSize: [number, number];
  /**
   * 'intended' (default): a box-centred Gaussian, rows against the box's y centre and columns
   * against its x centre, σ = half the box size (in cells, ≥ 0.5), evaluated at cell centres.
   * 'literal': the official `SFC.py` formula, kept for the ablation: rows compared with the x
   * centre and columns with the y centre, σ = the centre coordinate itself (+1e-8), at
   * `linspace(start, end, end − start)` coordinates.
   */
  mode?: 'intended' | 'literal';
  /** YOLOX's batch random-resize factors [scale_y, scale_x] (default [1, 1]). */
  scale?: [number, number];
}

/** torch.linspace(start, end, steps). */
function linspace(start: number, end: number, steps: number): number[] {
  if (steps <= 0) return [];
  if (steps === 1) return [start];
  return Array.from({ length: steps }, (_, i) => start + (i * (end - start)) / (steps - 1));
}

/**
 * FSD's Gaussian foreground mask for one FPN level (docs/methods/fsd.md#loss-per-fpn-level). For each box, mapped to
 * the feature grid (x·W/img_w/scale_x, …) with wmin, hmin = floor and wmax, hmax = ceil:
 * - area = 1/((hmax − hmin + 1)(wmax − wmin + 1)) (before clipping to the map);
 * - over the box grown by ⌊h/2⌋, ⌊w/2⌋ on each side (clipped), the mask takes max(mask, area·g)
 *   with a Gaussian g ≤ 1 (see `mode`);
 * - inside the box (rows hmin..hmax, cols wmin..wmax, clipped) it takes max(mask, area).
 * Outside every ring the mask is 0. Boxes with negative coordinates are clamped at 0 (the
 * official code would wrap around); an image with no boxes gives an all-zero mask.
 * boxes: one list of `Box` per image. Returns [N,H,W] (a constant; no gradient needed).
 *
 * @example
 *   const fg = gaussianForegroundMask(gtBoxes, { imageSize: [640, 640], featureSize: [80, 80] });
 */
export function gaussianForegroundMask(boxes: readonly (readonly Box[])[], opts: ForegroundMaskOptions): tf.Tensor3D {
  const [imgH, imgW] = opts.imageSize;
  const [H, W] = opts.featureSize;
  const [sy, sx] = opts.scale ?? [1, 1];
  const mode = opts.mode ?? 'intended';
  if (!(imgH > 0 && imgW > 0 && H > 0 && W > 0))
    throw new DataError(
      `gaussianForegroundMask: imageSize [${opts.imageSize}] and featureSize [${opts.featureSize}] must be positive`,
    );
  const out = new Float32Array(boxes.length * H * W);
  boxes.forEach((list, n) => {
    const m = out.subarray(n * H * W, (n + 1) * H * W);
    const cells: { hmin: number; hmax: number; wmin: number; wmax: number; area: number }[] = [];
    for (const box of list) {
      const [x1, y1, x2, y2] = [
        ((box[0] / imgW) * W) / sx,
        ((box[1] / imgH) * H) / sy,
        ((box[2] / imgW) * W) / sx,
        ((box[3] / imgH) * H) / sy,
      ];
      if (!(x2 >= x1 && y2 >= y1) || ![x1, y1, x2, y2].every(Number.isFinite)) {
        throw new DataError(
          `gaussianForegroundMask: image ${n}: box [${box.join(',')}] must satisfy x2 >= x1, y2 >= y1`,
        );
      }
      const wmin = Math.floor(x1),
        hmin = Math.floor(y1);
      const area = 1 / ((Math.ceil(y2) - hmin + 1) * (Math.ceil(x2) - wmin + 1));
      const hmax = Math.min(Math.ceil(y2), H),
        wmax = Math.min(Math.ceil(x2), W);
      const xc = (x1 + x2) / 2,
        yc = (y1 + y2) / 2;
      const dh = Math.floor((hmax - hmin) / 2),
        dw = Math.floor((wmax - wmin) / 2);
      const startH = Math.max(0, hmin - dh),
        endH = Math.min(hmax + dh, H);
      const startW = Math.max(0, wmin - dw),
        endW = Math.min(wmax + dw, W);
      const rows = linspace(startH, endH, endH - startH);
      const cols = linspace(startW, endW, endW - startW);
      const sigY = Math.max((y2 - y1) / 2, 0.5),
        sigX = Math.max((x2 - x1) / 2, 0.5);
      for (let i = 0; i < rows.length; i++) {
        for (let j = 0; j < cols.length; j++) {
          const g =
            mode === 'literal'
              ? Math.exp(-0.5 * ((rows[i] - xc) ** 2 / (xc + 1e-8) ** 2 + (cols[j] - yc) ** 2 / (yc + 1e-8) ** 2))
              : Math.exp(-0.5 * ((startH + i + 0.5 - yc) ** 2 / sigY ** 2 + (startW + j + 0.5 - xc) ** 2 / sigX ** 2));
          const k = (startH + i) * W + startW + j;
          m[k] = Math.max(m[k], Math.fround(area * g));
        }
      }
      cells.push({ hmin: Math.max(0, hmin), hmax, wmin: Math.max(0, wmin), wmax, area });
    }
    for (const c of cells) {
      for (let r = c.hmin; r <= Math.min(c.hmax, H - 1); r++) {
        for (let q = c.wmin; q <= Math.min(c.wmax, W - 1); q++)
          m[r * W + q] = Math.max(m[r * W + q], Math.fround(c.area));
      }
    }
  });
  return tf.tensor3d(out, [boxes.length, H, W]);
}

/**
 * FSD background mask: 1 where the foreground mask is 0, else 0, divided by its sum per image
 * (so it sums to 1; an image covered entirely by foreground keeps an all-zero mask).
 * fg: [N,H,W] → [N,H,W].
 */
export function backgroundMask(fg: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const bg = tf.cast(tf.lessEqual(fg, 0), 'float32');
    const sum = tf.sum(bg, [1, 2], true);
    return tf.div(bg, tf.maximum(sum, 1)) as tf.Tensor3D;
  });
}
