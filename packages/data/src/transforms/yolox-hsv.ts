import type { Rng } from '@kd/core';

/**
 * OpenCV 8-bit RGB → HSV of one pixel: V = max, S = round(255·(V − min)/V), H = round(h/2) with h
 * the hue in degrees [0, 360) — so H ∈ [0, 180). Float formulas, rounded: cv2's fixed-point
 * tables can differ by one level.
 */
export function rgbToHsv8(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b),
    d = v - Math.min(r, g, b);
  const s = v === 0 ? 0 : Math.round((255 * d) / v);
  let h = 0;
  if (d > 0) h = v === r ? (60 * (g - b)) / d : v === g ? 120 + (60 * (b - r)) / d : 240 + (60 * (r - g)) / d;
  if (h < 0) h += 360;
  return [Math.round(h / 2) % 180, s, v];
}

/** OpenCV 8-bit HSV (H ∈ [0, 180)) → RGB of one pixel (the usual six-sector formula, rounded). */
export function hsv8ToRgb(h: number, s: number, v: number): [number, number, number] {
  const hh = ((h * 2) % 360) / 60,
    ss = s / 255;
  const i = Math.floor(hh),
    f = hh - i;
  const p = v * (1 - ss),
    q = v * (1 - ss * f),
    t = v * (1 - ss * (1 - f));
  const rgb = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i % 6];
  return rgb.map((x) => Math.min(255, Math.max(0, Math.round(x)))) as [number, number, number];
}

/** YOLOX's HSV deltas (mmdet `YOLOXHSVRandomAug` defaults). */
export const YOLOX_HSV = { hue: 5, saturation: 30, value: 30 };

/**
 * YOLOX `augment_hsv` on an [H, W, 3] RGB image: gains g = trunc(U(−1, 1)·(5, 30, 30) · b) with
 * b ∈ {0, 1} per channel (three uniforms, then three coin flips), then H ← (H + g_h) mod 180,
 * S ← clip(S + g_s, 0, 255), V ← clip(V + g_v, 0, 255) in OpenCV's 8-bit HSV. Boxes unaffected.
 */
export function yoloxHsv(rng: Rng, image: Uint8Array, deltas = YOLOX_HSV): Uint8Array {
  const u = [deltas.hue, deltas.saturation, deltas.value].map((d) => rng.uniform(-1, 1) * d);
  const g = u.map((x) => Math.trunc(x * rng.int(0, 2)));
  if (g.every((x) => x === 0)) return image;
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i += 3) {
    const [h, s, v] = rgbToHsv8(image[i], image[i + 1], image[i + 2]);
    const rgb = hsv8ToRgb(
      (((h + g[0]) % 180) + 180) % 180,
      Math.min(255, Math.max(0, s + g[1])),
      Math.min(255, Math.max(0, v + g[2])),
    );
    out.set(rgb, i);
  }
  return out;
}
