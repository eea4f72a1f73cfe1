import type { Sample } from '../dataset/types.ts';

/**
 * Resizes and their coordinate conventions. Bilinear uses half-pixel centres
 * (src = (dst + ½)·in/out − ½, clamped at the edges; OpenCV INTER_LINEAR without antialiasing);
 * nearest takes src = ⌊(dst + ½)·in/out⌋, so label maps only ever hold values that were there.
 */

/** Bilinear resize of a [h, w, c] uint8 plane to [H, W, c] float (no rounding). */
export function resizeBilinear(
  src: Uint8Array,
  w: number,
  h: number,
  c: number,
  W: number,
  H: number,
  out = new Float32Array(W * H * c),
): Float32Array {
  const sx = w / W,
    sy = h / H;
  const x0s = new Int32Array(W),
    x1s = new Int32Array(W),
    fxs = new Float32Array(W);
  for (let x = 0; x < W; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(x0s[x] + 1, w - 1);
    fxs[x] = fx - x0s[x];
  }
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy),
      y1 = Math.min(y0 + 1, h - 1),
      ty = fy - y0;
    const r0 = y0 * w * c,
      r1 = y1 * w * c,
      o = y * W * c;
    for (let x = 0; x < W; x++) {
      const a = r0 + x0s[x] * c,
        b = r0 + x1s[x] * c,
        d = r1 + x0s[x] * c,
        e = r1 + x1s[x] * c,
        tx = fxs[x];
      for (let k = 0; k < c; k++) {
        const top = src[a + k] + (src[b + k] - src[a + k]) * tx;
        const bot = src[d + k] + (src[e + k] - src[d + k]) * tx;
        out[o + x * c + k] = top + (bot - top) * ty;
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of a [h, w] uint8 map (labels) to [H, W]. */
export function resizeNearest(
  src: Uint8Array,
  w: number,
  h: number,
  W: number,
  H: number,
  out = new Uint8Array(W * H),
): Uint8Array {
  const xs = new Int32Array(W);
  for (let x = 0; x < W; x++) xs[x] = Math.min(w - 1, Math.floor(((x + 0.5) * w) / W));
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H));
    for (let x = 0; x < W; x++) out[y * W + x] = src[sy * w + xs[x]];
  }
  return out;
}

const toU8 = (f: Float32Array): Uint8Array => {
  const out = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
  return out;
};

/**
 * Resizes a whole sample to W×H: image and mask bilinear (rounded back to 0..255), label
 * nearest, boxes scaled by (W/w, H/h).
 */
export function resizeSample(s: Sample, W: number, H: number): Sample {
  if (W === s.width && H === s.height) return s;
  const out: Sample = {
    name: s.name,
    width: W,
    height: H,
    image: toU8(resizeBilinear(s.image, s.width, s.height, 3, W, H)),
  };
  if (s.mask) out.mask = toU8(resizeBilinear(s.mask, s.width, s.height, 1, W, H));
  if (s.label) out.label = resizeNearest(s.label, s.width, s.height, W, H);
  const fx = W / s.width,
    fy = H / s.height;
  if (s.objects)
    out.objects = s.objects.map((o) => ({ ...o, x1: o.x1 * fx, x2: o.x2 * fx, y1: o.y1 * fy, y2: o.y2 * fy }));
  return out;
}
