import type { GrayMap } from './constants.ts';

/**
 * Bilinear resize of an 8-bit map to `width`×`height` with half-pixel centres (cv2 INTER_LINEAR /
 * PIL-free convention: source coordinate (x + 0.5)·sx − 0.5, clamped at the borders), rounded to
 * the nearest integer. This is how the reference toolkits bring a prediction to the gt size
 * before scoring. cv2 computes the weights in 11-bit fixed point, so a few pixels may differ
 * from cv2 by one grey level. Returns a new map; the input is untouched.
 */
export function resizeGrayBilinear(src: GrayMap, width: number, height: number): GrayMap & { data: Uint8Array } {
  const out = new Uint8Array(width * height);
  const sx = src.width / width,
    sy = src.height / height;
  const xs = taps(width, sx, src.width),
    ys = taps(height, sy, src.height);
  for (let y = 0; y < height; y++) {
    const y0 = ys.i0[y],
      y1 = ys.i1[y],
      fy = ys.f[y];
    for (let x = 0; x < width; x++) {
      const x0 = xs.i0[x],
        x1 = xs.i1[x],
        fx = xs.f[x];
      const top = src.data[y0 * src.width + x0] * (1 - fx) + src.data[y0 * src.width + x1] * fx;
      const bot = src.data[y1 * src.width + x0] * (1 - fx) + src.data[y1 * src.width + x1] * fx;
      out[y * width + x] = Math.min(255, Math.max(0, Math.round(top * (1 - fy) + bot * fy)));
    }
  }
  return { data: out, width, height };
}

function taps(n: number, scale: number, srcN: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(n),
    i1 = new Int32Array(n),
    f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = (i + 0.5) * scale - 0.5;
    let lo = Math.floor(c);
    let frac = c - lo;
    if (lo < 0) {
      lo = 0;
      frac = 0;
    }
    if (lo >= srcN - 1) {
      lo = srcN - 1;
      frac = 0;
    }
    i0[i] = lo;
    i1[i] = Math.min(lo + 1, srcN - 1);
    f[i] = frac;
  }
  return { i0, i1, f };
}
