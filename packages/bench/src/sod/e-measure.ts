import { EPS } from './constants.ts';

/**
 * E-measure (Fan et al., IJCAI 2018), PySODMetrics conventions, from pixel counts.
 * With the prediction binarised (fg where p ≥ t), the enhanced-alignment sum is computed from
 * the four (pred fg/bg × gt fg/bg) counts: each part's value is ((φ+1)²/4)·count with
 * φ = 2ab/(a² + b² + eps), a, b the demeaned binary values. Special cases: gt all background →
 * sum = |pred bg|; gt all foreground → sum = |pred fg|. E = sum / (N − 1 + eps), N = h·w.
 */
export function eMeasureFromCounts(fgFg: number, fgBg: number, gtFg: number, n: number): number {
  const predFg = fgFg + fgBg;
  const predBg = n - predFg;
  let sum: number;
  if (gtFg === 0) sum = predBg;
  else if (gtFg === n) sum = predFg;
  else {
    const bgFg = gtFg - fgFg;
    const bgBg = predBg - bgFg;
    const mp = predFg / n,
      mg = gtFg / n;
    const pf = 1 - mp,
      pb = 0 - mp,
      gf = 1 - mg,
      gb = 0 - mg;
    sum = enhanced(pf, gf) * fgFg + enhanced(pf, gb) * fgBg + enhanced(pb, gf) * bgFg + enhanced(pb, gb) * bgBg;
  }
  return sum / (n - 1 + EPS);
}

function enhanced(a: number, b: number): number {
  const phi = (2 * (a * b)) / (a * a + b * b + EPS);
  return ((phi + 1) * (phi + 1)) / 4;
}

/** Adaptive E-measure: binarise at min(2·mean(p), 1) (fg where p ≥ threshold). */
export function adaptiveEMeasure(p: Float64Array, g: Uint8Array): number {
  let mean = 0;
  for (let i = 0; i < p.length; i++) mean += p[i];
  const thr = Math.min((2 * mean) / p.length, 1);
  let fgFg = 0,
    fgBg = 0,
    gtFg = 0;
  for (let i = 0; i < p.length; i++) {
    gtFg += g[i];
    if (p[i] >= thr) {
      if (g[i]) fgFg++;
      else fgBg++;
    }
  }
  return eMeasureFromCounts(fgFg, fgBg, gtFg, p.length);
}

/**
 * E-measure curve over 256 thresholds: q = floor(255·p), fg where q ≥ t; index k ↔ t = 255 − k
 * (PySODMetrics order), like `fMeasureCurve`.
 */
export function eMeasureCurve(p: Float64Array, g: Uint8Array): Float64Array {
  const fg = new Float64Array(256),
    bg = new Float64Array(256);
  let gtFg = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.floor(p[i] * 255);
    if (g[i]) {
      fg[q]++;
      gtFg++;
    } else bg[q]++;
  }
  const out = new Float64Array(256);
  let fgFg = 0,
    fgBg = 0;
  for (let k = 0; k < 256; k++) {
    fgFg += fg[255 - k];
    fgBg += bg[255 - k];
    out[k] = eMeasureFromCounts(fgFg, fgBg, gtFg, p.length);
  }
  return out;
}
