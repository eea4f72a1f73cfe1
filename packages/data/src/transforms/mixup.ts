import type { Rng } from '@kd/core';
import type { DetObject, Sample } from '../dataset/types.ts';
import { clipObjects, cropSample, flipHorizontal } from './geometry.ts';
import { padBottomRight, resizeKeepRatio } from './keep-ratio.ts';
import { resizeSample } from './resize.ts';

/** mmdet `MixUp` settings (YOLOX: ratio 0.8–1.6, flip 0.5, pad 114). */
export interface MixUpConfig {
  /** The letterbox side S the other image is first fitted into. */
  size: number;
  /** Jitter j ~ U[lo, hi) of the letterboxed image (0.8, 1.6). */
  ratio: [number, number];
  /** Flip probability of the other image (0.5). */
  flip: number;
  padValue: number;
}

/** mmdet's `_filter_box_candidates` (min_bbox_size 5, min_area_ratio 0.2, max_aspect_ratio 20). */
function keepCandidate(before: DetObject, after: DetObject): boolean {
  const w1 = before.x2 - before.x1,
    h1 = before.y2 - before.y1;
  const w2 = after.x2 - after.x1,
    h2 = after.y2 - after.y1;
  const ar = Math.max(w2 / (h2 + 1e-16), h2 / (w2 + 1e-16));
  return w2 > 5 && h2 > 5 && (w2 * h2) / (w1 * h1 + 1e-16) > 0.2 && ar < 20;
}

/**
 * mmdet 2.x `MixUp` of `s` (W×H, the mosaic/affine output) with `other`. Draws, in order: the
 * jitter j ~ U[ratio), the flip (U < flip), then (only where the jittered image is larger than
 * s) the crop offsets y0, x0 ~ int U. `other` is letterboxed into S×S (keep ratio, padded
 * bottom/right), resized to ⌊S·j⌋², flipped, pasted top-left on a max(⌊S·j⌋, W/H) canvas of
 * `padValue`, cropped to W×H at (x0, y0); pixels = round(½·s + ½·other) (mmdet keeps floats).
 * Boxes: s's kept; other's moved with its pixels, clipped, and kept when wider and taller than
 * 5 px, with > 20 % of their pre-crop area and aspect < 20 (mmdet's candidate filter).
 */
export function mixUp(rng: Rng, s: Sample, other: Sample, cfg: MixUpConfig): Sample {
  const S = cfg.size;
  const j = rng.uniform(cfg.ratio[0], cfg.ratio[1]);
  const flip = rng.chance(cfg.flip);
  const side = Math.max(1, Math.floor(S * j));
  let o = resizeSample(padBottomRight(resizeKeepRatio(other, S, S).sample, S, S, cfg.padValue), side, side);
  if (flip) o = flipHorizontal(o);
  const PW = Math.max(side, s.width),
    PH = Math.max(side, s.height);
  const before = clipObjects(o.objects ?? [], side, side);
  const padded = padBottomRight({ ...o, objects: before }, PW, PH, cfg.padValue);
  const y0 = PH > s.height ? rng.int(0, PH - s.height) : 0;
  const x0 = PW > s.width ? rng.int(0, PW - s.width) : 0;
  // keep every box through the crop (empty ones too) so each can be compared with its pre-crop self
  const moved = before.map((b) => {
    const c = { ...b, x1: b.x1 - x0, x2: b.x2 - x0, y1: b.y1 - y0, y2: b.y2 - y0 };
    return {
      ...c,
      x1: Math.max(0, c.x1),
      y1: Math.max(0, c.y1),
      x2: Math.min(s.width, c.x2),
      y2: Math.min(s.height, c.y2),
    };
  });
  const crop = cropSample({ ...padded, objects: [] }, x0, y0, s.width, s.height);
  const image = new Uint8Array(s.image.length);
  for (let i = 0; i < image.length; i++) image[i] = Math.round(0.5 * s.image[i] + 0.5 * crop.image[i]);
  const kept = moved.filter((m, i) => keepCandidate(before[i], m));
  return { ...s, image, objects: [...(s.objects ?? []), ...kept] };
}
