import { resizeBilinear } from '@kd/data';

/**
 * For each pixel of a W×H target (row-major), the index of its nearest-neighbour source pixel
 * in a w×h map: sx = ⌊(x + ½)·w/W⌋, sy = ⌊(y + ½)·h/H⌋ (clamped), the convention of @kd/data's
 * `resizeNearest`. With an integer factor s = W/w the target pixel (y, x) reads (⌊y/s⌋, ⌊x/s⌋).
 */
export function nearestSourceIndex(w: number, h: number, W: number, H: number): Int32Array {
  const idx = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H));
    for (let x = 0; x < W; x++) idx[y * W + x] = sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / W));
  }
  return idx;
}

/** RGB bytes [h·w·3] resized to [H·W·3], bilinear (photos: @kd/data's `resizeBilinear`, rounded). */
export function resizeRgb(rgb: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  if (w === W && h === H) return rgb.slice();
  const f = resizeBilinear(rgb, w, h, 3, W, H);
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
  return out;
}
