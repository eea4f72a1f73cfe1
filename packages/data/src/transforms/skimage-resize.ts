/**
 * `skimage.transform.resize(img, (H, W), order=1, mode='reflect', anti_aliasing=False)`, the resize of
 * CSNet's official test script (METHODS §2.5) — scipy `ndimage.zoom(grid_mode=True)` underneath:
 * bilinear with half-pixel centres, src = (dst + ½)·in/out − ½, and taps outside the image mirrored
 * about the edge pixel (ndimage 'mirror': index −1 → 1, n → n − 2). Only the mirror differs from
 * `resizeBilinear`, which clamps: it matters where a coordinate falls outside [0, n − 1], i.e. in the
 * outer half pixel of an upsampled map. Values are not rescaled, rounded or clipped (float64 out).
 *
 * src: [h, w, c] row-major (c = 1 for a map). Returns [H, W, c].
 */
export function resizeSkimage(
  src: ArrayLike<number>,
  w: number,
  h: number,
  c: number,
  W: number,
  H: number,
): Float64Array {
  if (src.length !== w * h * c) throw new Error(`resizeSkimage: ${src.length} values is not ${w}×${h}×${c}`);
  const xs = taps(w, W),
    ys = taps(h, H);
  const out = new Float64Array(W * H * c);
  for (let y = 0; y < H; y++) {
    const r0 = ys.i0[y] * w * c,
      r1 = ys.i1[y] * w * c,
      ty = ys.f[y];
    for (let x = 0; x < W; x++) {
      const a0 = xs.i0[x] * c,
        a1 = xs.i1[x] * c,
        tx = xs.f[x],
        o = (y * W + x) * c;
      for (let k = 0; k < c; k++) {
        const top = src[r0 + a0 + k] * (1 - tx) + src[r0 + a1 + k] * tx;
        const bot = src[r1 + a0 + k] * (1 - tx) + src[r1 + a1 + k] * tx;
        out[o + k] = top * (1 - ty) + bot * ty;
      }
    }
  }
  return out;
}

/** Lower/upper source index (mirrored into range) and the upper weight for each of `m` outputs from `n` inputs. */
function taps(n: number, m: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(m),
    i1 = new Int32Array(m),
    f = new Float64Array(m);
  const scale = n / m;
  for (let i = 0; i < m; i++) {
    const x = (i + 0.5) * scale - 0.5;
    const lo = Math.floor(x);
    i0[i] = mirror(lo, n);
    i1[i] = mirror(lo + 1, n);
    f[i] = x - lo;
  }
  return { i0, i1, f };
}

/** ndimage 'mirror' boundary: … 2 1 | 0 1 … n−1 | n−2 n−3 … (a single pixel maps to itself). */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}
