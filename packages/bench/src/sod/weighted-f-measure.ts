import { EPS } from './constants.ts';
import { nearestForeground } from './nearest-foreground.ts';

/**
 * MATLAB `fspecial('gaussian', [7 7], 5)` as PySODMetrics builds it: exp(−(x²+y²)/(2σ²)) on a
 * 7×7 grid centred at 0, entries < eps·max zeroed, normalised to sum 1. Row-major, 49 values.
 */
export function gaussianKernel7(sigma = 5): Float64Array {
  const k = new Float64Array(49);
  let max = 0,
    sum = 0;
  for (let y = -3; y <= 3; y++)
    for (let x = -3; x <= 3; x++) {
      const v = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
      k[(y + 3) * 7 + x + 3] = v;
      max = Math.max(max, v);
    }
  for (let i = 0; i < 49; i++) {
    if (k[i] < EPS * max) k[i] = 0;
    sum += k[i];
  }
  if (sum !== 0) for (let i = 0; i < 49; i++) k[i] /= sum;
  return k;
}

const KERNEL = gaussianKernel7();

/**
 * Weighted F-measure (Margolin et al., CVPR 2014), PySODMetrics conventions, β² = 1, one image.
 * p: prepared prediction in [0,1], g: binary gt, row-major [h, w]. Returns 0 when the gt has
 * no foreground. Steps: E = |p − g|; Et = E with each background pixel replaced by E at its
 * nearest foreground pixel (`nearestForeground`, ties → smallest column then row);
 * EA = Et filtered with the 7×7 σ=5 Gaussian, zero padding (scipy `convolve`, mode constant 0);
 * on foreground pixels where EA < E take EA, else E; background errors are weighted by
 * B = 2 − exp(ln(0.5)/5 · dist). TPw = |fg| − Σ_fg Ew, FPw = Σ_bg Ew, R = 1 − mean_fg Ew,
 * P = TPw/(TPw + FPw + eps), wF = 2RP/(R + P + eps).
 */
export function weightedFMeasure(p: Float64Array, g: Uint8Array, h: number, w: number): number {
  const n = h * w;
  let numFg = 0;
  for (let i = 0; i < n; i++) numFg += g[i];
  if (numFg === 0) return 0;
  const { dist, index } = nearestForeground(g, h, w);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = Math.abs(p[i] - g[i]);
  const et = new Float64Array(n);
  for (let i = 0; i < n; i++) et[i] = g[i] ? e[i] : e[index[i]];
  const lnHalfOver5 = Math.log(0.5) / 5;
  let sumFg = 0,
    sumBg = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (g[i]) {
        const ea = filteredAt(et, h, w, y, x);
        sumFg += ea < e[i] ? ea : e[i];
      } else {
        sumBg += e[i] * (2 - Math.exp(lnHalfOver5 * dist[i]));
      }
    }
  }
  const tpw = numFg - sumFg;
  const fpw = sumBg;
  const R = 1 - sumFg / numFg;
  const P = tpw / (tpw + fpw + EPS);
  return (2 * R * P) / (R + P + EPS);
}

/** Gaussian-filtered value of `a` at (y, x) with zero padding (the kernel is symmetric). */
function filteredAt(a: Float64Array, h: number, w: number, y: number, x: number): number {
  let s = 0;
  for (let dy = -3; dy <= 3; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -3; dx <= 3; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= w) continue;
      s += KERNEL[(dy + 3) * 7 + dx + 3] * a[yy * w + xx];
    }
  }
  return s;
}
