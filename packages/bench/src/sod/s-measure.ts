import { EPS } from './constants.ts';

/**
 * S-measure (Fan et al., ICCV 2017), PySODMetrics 1.6 conventions, for one image.
 * p: prepared prediction in [0,1] (see `preparePrediction`), g: binary gt (1 = foreground),
 * both row-major [h, w]. α = 0.5 by default.
 * - gt all background: 1 − mean(p); gt all foreground: mean(p).
 * - otherwise max(0, α·object + (1−α)·region):
 *   object = μ·s(p on fg) + (1−μ)·s(1−p on bg), μ = |fg|/(h·w),
 *   s(x) = 2·mean(x) / (mean(x)² + 1 + std(x) + eps), std with ddof = 1 (0 for a single pixel);
 *   region: split at the foreground centroid (row/column means rounded half-to-even, +1),
 *   four quadrants weighted by area (the last weight is 1 − the other three), each scored with
 *   ssim: σ's divided by (N − 1 + eps); score α'/(β'+eps) if α'≠0, 1 if α'=β'=0, else 0.
 *   An empty quadrant contributes 0.
 */
export function sMeasure(p: Float64Array, g: Uint8Array, h: number, w: number, alpha = 0.5): number {
  const n = h * w;
  let numFg = 0,
    sumP = 0;
  for (let i = 0; i < n; i++) {
    numFg += g[i];
    sumP += p[i];
  }
  if (numFg === 0) return 1 - sumP / n;
  if (numFg === n) return sumP / n;
  const objectScore = objectTerm(p, g, numFg / n) * alpha;
  const regionScore = regionTerm(p, g, h, w) * (1 - alpha);
  return Math.max(0, objectScore + regionScore);
}

function objectTerm(p: Float64Array, g: Uint8Array, mu: number): number {
  return sObject(p, g, 1, false) * mu + sObject(p, g, 0, true) * (1 - mu);
}

/** s(x) over pixels where g == label; x = 1 − p when `invert`. */
function sObject(p: Float64Array, g: Uint8Array, label: number, invert: boolean): number {
  let count = 0,
    sum = 0;
  for (let i = 0; i < p.length; i++)
    if (g[i] === label) {
      sum += invert ? 1 - p[i] : p[i];
      count++;
    }
  const mean = sum / count;
  let std = 0;
  if (count > 1) {
    let ss = 0;
    for (let i = 0; i < p.length; i++)
      if (g[i] === label) {
        const d = (invert ? 1 - p[i] : p[i]) - mean;
        ss += d * d;
      }
    std = Math.sqrt(ss / (count - 1));
  }
  return (2 * mean) / (mean * mean + 1 + std + EPS);
}

/** numpy's `round` (half to even) for the centroid. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function regionTerm(p: Float64Array, g: Uint8Array, h: number, w: number): number {
  let count = 0,
    sy = 0,
    sx = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (g[y * w + x]) {
        sy += y;
        sx += x;
        count++;
      }
  const cy = roundHalfEven(sy / count) + 1;
  const cx = roundHalfEven(sx / count) + 1;
  const area = h * w;
  const wLt = (cx * cy) / area;
  const wRt = (cy * (w - cx)) / area;
  const wLb = ((h - cy) * cx) / area;
  const wRb = 1 - wLt - wRt - wLb;
  return (
    ssim(p, g, w, 0, cy, 0, cx) * wLt +
    ssim(p, g, w, 0, cy, cx, w) * wRt +
    ssim(p, g, w, cy, h, 0, cx) * wLb +
    ssim(p, g, w, cy, h, cx, w) * wRb
  );
}

/** PySOD `ssim` on rows [y0, y1) × columns [x0, x1); 0 for an empty block. */
function ssim(p: Float64Array, g: Uint8Array, w: number, y0: number, y1: number, x0: number, x1: number): number {
  const n = (y1 - y0) * (x1 - x0);
  if (n <= 0) return 0;
  let sp = 0,
    sg = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      sp += p[y * w + x];
      sg += g[y * w + x];
    }
  const mx = sp / n,
    my = sg / n;
  let vx = 0,
    vy = 0,
    cxy = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const dx = p[y * w + x] - mx,
        dy = g[y * w + x] - my;
      vx += dx * dx;
      vy += dy * dy;
      cxy += dx * dy;
    }
  }
  const denom = n - 1 + EPS;
  const sigmaX = vx / denom,
    sigmaY = vy / denom,
    sigmaXY = cxy / denom;
  const a = 4 * mx * my * sigmaXY;
  const b = (mx * mx + my * my) * (sigmaX + sigmaY);
  if (a !== 0) return a / (b + EPS);
  return b === 0 ? 1 : 0;
}
