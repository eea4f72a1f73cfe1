/**
 * PySODMetrics input conventions: prediction p = pred/255, then per-image min–max normalised
 * when max ≠ min (float64); ground truth foreground where value > 128.
 * pred: H·W values 0..255 (8-bit map); gt: H·W values 0..255.
 */
export function preparePrediction(pred: ArrayLike<number>): Float64Array {
  const n = pred.length;
  const p = new Float64Array(n);
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = pred[i] / 255;
    p[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi !== lo) for (let i = 0; i < n; i++) p[i] = (p[i] - lo) / (hi - lo);
  return p;
}

export function binarizeGt(gt: ArrayLike<number>): Uint8Array {
  const g = new Uint8Array(gt.length);
  for (let i = 0; i < gt.length; i++) g[i] = gt[i] > 128 ? 1 : 0;
  return g;
}
