import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { clipObjects } from './geometry.ts';

/** mmdet `RandomAffine` settings (YOLOX: scale 0.1–2, border −S/2 after a 2S mosaic). */
export interface AffineConfig {
  /** Output width and height (mmdet: input size + 2·border). */
  outWidth: number;
  outHeight: number;
  /** Rotation ~ U(±deg) (10). */
  maxRotate: number;
  /** Translation ~ U(0.5 ± r)·out (0.1). */
  maxTranslate: number;
  /** Scale ~ U[lo, hi) (0.1, 2 in the paper's run; mmdet default 0.5–1.5). */
  scale: [number, number];
  /** Shear ~ U(±deg) on each axis (2). */
  maxShear: number;
  padValue: number;
}

/** Row-major 3×3 product a·b. */
const mul = (a: number[], b: number[]): number[] =>
  [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] + a[3 * r + 2] * b[6 + c]));

/**
 * A random affine warp. Draws, in mmdet's order: rotation θ, scale s, shear x, shear y, then
 * translation tx = U(0.5 ± r)·outW, ty = U(0.5 ± r)·outH, and warps with
 *   M = T(tx, ty) · Shear · R(θ) · S(s) · T(−w/2, −h/2)
 * (the input centred first, as YOLOX's own `random_affine` and later mmdet do). Pixels: inverse
 * map, bilinear, outside → `padValue` (cv2.warpPerspective, BORDER_CONSTANT). Boxes: the four
 * corners warped, their min/max taken, clipped to the output; empty boxes dropped (mmdet's
 * skip_filter=True: no other filter here).
 */
export function randomAffine(rng: Rng, s: Sample, cfg: AffineConfig): Sample {
  const rad = (d: number) => (d * Math.PI) / 180;
  const th = rad(rng.uniform(-cfg.maxRotate, cfg.maxRotate));
  const sc = rng.uniform(cfg.scale[0], cfg.scale[1]);
  const shx = Math.tan(rad(rng.uniform(-cfg.maxShear, cfg.maxShear))),
    shy = Math.tan(rad(rng.uniform(-cfg.maxShear, cfg.maxShear)));
  const W = cfg.outWidth,
    H = cfg.outHeight;
  const tx = rng.uniform(0.5 - cfg.maxTranslate, 0.5 + cfg.maxTranslate) * W,
    ty = rng.uniform(0.5 - cfg.maxTranslate, 0.5 + cfg.maxTranslate) * H;
  const M = [
    [1, 0, tx, 0, 1, ty, 0, 0, 1],
    [1, shx, 0, shy, 1, 0, 0, 0, 1],
    [Math.cos(th), -Math.sin(th), 0, Math.sin(th), Math.cos(th), 0, 0, 0, 1],
    [sc, 0, 0, 0, sc, 0, 0, 0, 1],
    [1, 0, -s.width / 2, 0, 1, -s.height / 2, 0, 0, 1],
  ].reduce(mul);
  return warpAffine(s, M, W, H, cfg.padValue);
}

/** Warps a sample by the affine M (row-major 3×3, last row 0 0 1) into W×H; see `randomAffine`. */
export function warpAffine(s: Sample, M: readonly number[], W: number, H: number, padValue: number): Sample {
  const [a, b, c, d, e, f] = M;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error(`warpAffine: singular matrix for '${s.name}'`);
  // inverse of [[a b c] [d e f]]
  const ia = e / det,
    ib = -b / det,
    id = -d / det,
    ie = a / det;
  const ic = -(ia * c + ib * f),
    iff = -(id * c + ie * f);
  const image = new Uint8Array(W * H * 3);
  const src = s.image,
    w = s.width,
    h = s.height;
  const px = (x: number, y: number, k: number) =>
    x < 0 || y < 0 || x >= w || y >= h ? padValue : src[(y * w + x) * 3 + k];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = ia * x + ib * y + ic,
        sy = id * x + ie * y + iff;
      const x0 = Math.floor(sx),
        y0 = Math.floor(sy),
        fx = sx - x0,
        fy = sy - y0;
      const o = (y * W + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = px(x0, y0, k) * (1 - fx) + px(x0 + 1, y0, k) * fx;
        const bot = px(x0, y0 + 1, k) * (1 - fx) + px(x0 + 1, y0 + 1, k) * fx;
        image[o + k] = Math.round(top * (1 - fy) + bot * fy);
      }
    }
  }
  const objects = (s.objects ?? []).map((o) => {
    const xs: number[] = [],
      ys: number[] = [];
    for (const [x, y] of [
      [o.x1, o.y1],
      [o.x2, o.y1],
      [o.x1, o.y2],
      [o.x2, o.y2],
    ]) {
      xs.push(a * x + b * y + c);
      ys.push(d * x + e * y + f);
    }
    return { ...o, x1: Math.min(...xs), x2: Math.max(...xs), y1: Math.min(...ys), y2: Math.max(...ys) };
  });
  return { name: s.name, width: W, height: H, image, objects: clipObjects(objects, W, H) };
}
