import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { sanitizeBoxes } from '../det/sanitize.ts';
import { cropSample, flipHorizontal, padSample } from './geometry.ts';
import { randomContrastBrightness } from './random.ts';
import { resizeSample } from './resize.ts';

/** Seeded detection augmentation (all boxes move exactly with the pixels). */
export interface DetAugmentConfig {
  /** Output side S: every sample leaves as S×S. */
  size: number;
  /** Scale jitter: the image is first resized to S×S, then by f ~ U[lo, hi) (0 draws when lo = hi). */
  scale: [number, number];
  /** Horizontal flip probability. */
  hflip: number;
  /** Contrast × U[c0, c1) and brightness + int U[b0, b1) (null: no colour change). */
  colour: { contrast: [number, number]; brightness: [number, number] } | null;
  /** Pad value of new pixels (YOLOX pads with 114). */
  padValue: number;
  numClasses: number;
}

export const DET_AUGMENT_DEFAULTS: Omit<DetAugmentConfig, 'size' | 'numClasses'> = {
  scale: [0.75, 1.25],
  hflip: 0.5,
  colour: { contrast: [0.8, 1.2], brightness: [-20, 20] },
  padValue: 114,
};

/**
 * One augmented S×S training sample. Steps and draws, in order:
 * 1. resize to S×S (boxes scaled by S/w, S/h);
 * 2. scale jitter f ~ U[lo, hi): resize to round(S·f)²; draws f;
 * 3. back to S×S: when larger, crop an S×S window at x0, y0 ~ int U[0, round(S·f) − S]; when
 *    smaller, pad right/bottom with `padValue` (draws x0, y0 only when cropping);
 * 4. horizontal flip with probability `hflip` (x1 ↦ S − x2, x2 ↦ S − x1); draws one uniform;
 * 5. contrast/brightness (boxes unchanged); draws two numbers.
 * Boxes cut by the crop are clipped to the window; then `sanitizeBoxes` drops boxes under 1 px.
 */
export function augmentDetSample(rng: Rng, s: Sample, cfg: DetAugmentConfig): Sample {
  const S = cfg.size;
  let out = resizeSample(s, S, S);
  const [lo, hi] = cfg.scale;
  const f = lo === hi ? lo : rng.uniform(lo, hi);
  const side = Math.max(1, Math.round(S * f));
  if (side !== S) out = resizeSample(out, side, side);
  if (side > S) out = cropSample(out, rng.int(0, side - S + 1), rng.int(0, side - S + 1), S, S);
  else if (side < S)
    out = padSample(out, 0, S - side, S - side, 0, { image: [cfg.padValue, cfg.padValue, cfg.padValue] });
  if (rng.chance(cfg.hflip)) out = flipHorizontal(out);
  if (cfg.colour) out = randomContrastBrightness(rng, out, cfg.colour.contrast, cfg.colour.brightness);
  return {
    ...out,
    objects: sanitizeBoxes(out.objects ?? [], S, S, { numClasses: cfg.numClasses, where: s.name }).kept,
  };
}
