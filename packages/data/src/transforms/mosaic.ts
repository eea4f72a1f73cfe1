import type { Rng } from '@kd/core';
import type { DetObject, Sample } from '../dataset/types.ts';
import { clipObjects } from './geometry.ts';
import { resizeKeepRatio } from './keep-ratio.ts';

/**
 * mmdet 2.x `Mosaic(img_scale=(S, S), center_ratio_range=(0.5, 1.5), pad_val)`: four samples on a
 * 2S×2S canvas filled with `padValue`. Draws the centre xc, yc = int(U[0.5, 1.5)·S) (two draws);
 * each sample is resized keep-ratio into S×S (w×h) and placed with one corner at the centre:
 *   0 top-left  [max(xc − w, 0), max(yc − h, 0)) … (xc, yc), its bottom-right part;
 *   1 top-right [xc, max(yc − h, 0)) … (min(xc + w, 2S), yc), its bottom-left part;
 *   2 bottom-left [max(xc − w, 0), yc) … (xc, min(yc + h, 2S)), its top-right part;
 *   3 bottom-right [xc, yc) … (min(xc + w, 2S), min(yc + h, 2S)), its top-left part.
 * Boxes move with their pixels and are clipped to the canvas (mmdet bbox_clip_border); boxes
 * with no area left are dropped. Output: [2S, 2S, 3]; `samples[0]` names it.
 */
export function mosaic(rng: Rng, samples: readonly Sample[], S: number, padValue: number): Sample {
  if (samples.length !== 4) throw new Error(`mosaic: needs 4 samples, got ${samples.length}`);
  const W = 2 * S;
  const xc = Math.floor(rng.uniform(0.5, 1.5) * S),
    yc = Math.floor(rng.uniform(0.5, 1.5) * S);
  const image = new Uint8Array(W * W * 3).fill(padValue);
  const objects: DetObject[] = [];
  samples.forEach((raw, q) => {
    const s = resizeKeepRatio(raw, S, S).sample;
    const { width: w, height: h } = s;
    const left = q === 0 || q === 2,
      top = q === 0 || q === 1;
    const x1 = left ? Math.max(xc - w, 0) : xc,
      x2 = left ? xc : Math.min(xc + w, W);
    const y1 = top ? Math.max(yc - h, 0) : yc,
      y2 = top ? yc : Math.min(yc + h, W);
    // the part of the image that lands in [x1, x2) × [y1, y2)
    const cx = left ? w - (x2 - x1) : 0,
      cy = top ? h - (y2 - y1) : 0;
    for (let y = 0; y < y2 - y1; y++) {
      const src = ((cy + y) * w + cx) * 3;
      image.set(s.image.subarray(src, src + (x2 - x1) * 3), ((y1 + y) * W + x1) * 3);
    }
    const dx = x1 - cx,
      dy = y1 - cy;
    for (const o of s.objects ?? []) objects.push({ ...o, x1: o.x1 + dx, x2: o.x2 + dx, y1: o.y1 + dy, y2: o.y2 + dy });
  });
  return { name: samples[0].name, width: W, height: W, image, objects: clipObjects(objects, W, W) };
}
