import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { cropSample, flipHorizontal, flipVertical, padSample, type PadFill } from './geometry.ts';
import { contrastBrightness, gaussianBlur } from './photometric.ts';
import { resizeSample } from './resize.ts';

/**
 * The random transforms. Each takes the `Rng` explicitly, draws a fixed sequence of numbers
 * from it (documented per function, so recipes stay reproducible) and returns a new sample.
 */

/**
 * KD-SCFNet crop: drop rw ∈ [0, ⌊W/8⌋) columns and rh ∈ [0, ⌊H/8⌋) rows, split between the two
 * sides at random (offset ∈ [0, r)). Draws: rw, rh, then the two offsets when non-zero.
 */
export function randomCropKdScfnet(rng: Rng, s: Sample): Sample {
  const rw = rng.int(0, Math.max(1, Math.floor(s.width / 8)));
  const rh = rng.int(0, Math.max(1, Math.floor(s.height / 8)));
  const ox = rw > 0 ? rng.int(0, rw) : 0;
  const oy = rh > 0 ? rng.int(0, rh) : 0;
  return cropSample(s, ox, oy, s.width - rw, s.height - rh);
}

/** CSNet border crop: 0–14 px off the top and left, 1–15 px off the bottom and right. Draws: top, left, bottom, right. */
export function randomCropCsnet(rng: Rng, s: Sample): Sample {
  const top = rng.int(0, 15),
    left = rng.int(0, 15),
    bottom = rng.int(1, 16),
    right = rng.int(1, 16);
  if (left + right >= s.width || top + bottom >= s.height) return s;
  return cropSample(s, left, top, s.width - left - right, s.height - top - bottom);
}

/**
 * Crops a W×H window at a random position, first padding (bottom/right, labels with 255) when
 * the sample is smaller — CIRKD's Cityscapes crop. Draws: x0, y0.
 */
export function randomCropTo(rng: Rng, s: Sample, W: number, H: number, fill: PadFill = {}): Sample {
  const p = padSample(s, 0, Math.max(0, W - s.width), Math.max(0, H - s.height), 0, fill);
  const x0 = rng.int(0, p.width - W + 1),
    y0 = rng.int(0, p.height - H + 1);
  return cropSample(p, x0, y0, W, H);
}

/** Independent horizontal (probability h) and vertical (probability v) flips. Draws: two uniforms. */
export function randomFlip(rng: Rng, s: Sample, h: number, v: number): Sample {
  const doH = rng.chance(h),
    doV = rng.chance(v);
  let out = doH ? flipHorizontal(s) : s;
  if (doV) out = flipVertical(out);
  return out;
}

/** With probability p one flip, horizontal or vertical with equal odds (CSNet). Draws: one or two uniforms. */
export function randomFlipEither(rng: Rng, s: Sample, p: number): Sample {
  if (!rng.chance(p)) return s;
  return rng.chance(0.5) ? flipHorizontal(s) : flipVertical(s);
}

/** Resizes by a factor picked from `scales` (labels nearest, boxes scaled). Draws: one pick. */
export function randomScale(rng: Rng, s: Sample, scales: readonly number[]): Sample {
  const f = rng.pick(scales);
  return resizeSample(s, Math.max(1, Math.round(s.width * f)), Math.max(1, Math.round(s.height * f)));
}

/** With probability p a Gaussian blur of a kernel size picked from `kernels`. Draws: one uniform, then one pick. */
export function randomBlur(rng: Rng, s: Sample, p: number, kernels: readonly number[]): Sample {
  if (!rng.chance(p)) return s;
  return { ...s, image: gaussianBlur(s.image, s.width, s.height, rng.pick(kernels)) };
}

/** Contrast × U[c0, c1) then + an integer brightness in [b0, b1). Draws: contrast, brightness. */
export function randomContrastBrightness(
  rng: Rng,
  s: Sample,
  contrast: readonly [number, number],
  brightness: readonly [number, number],
): Sample {
  const c = rng.uniform(contrast[0], contrast[1]);
  const b = rng.int(brightness[0], brightness[1]);
  return { ...s, image: contrastBrightness(s.image, c, b) };
}
