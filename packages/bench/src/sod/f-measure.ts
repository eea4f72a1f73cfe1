/** β² = 0.3, the SOD convention. */
export const BETA2 = 0.3;

/**
 * Per-image F-measure curve over 256 thresholds (PySODMetrics "changeable" F):
 * q = floor(255·p); for t = 255 … 0 (curve index 255 − t), foreground where q ≥ t.
 * P = TP / (TP + FP) (an empty prediction gives P = 0: PySOD replaces a 0 denominator by 1),
 * R = TP / max(|G|, 1), F = (1+β²)PR / (β²P + R), 0 where PR = 0.
 * Returns curves of length 256 indexed by 255 − t, as PySODMetrics stores them.
 */
export function fMeasureCurve(
  p: Float64Array,
  g: Uint8Array,
): { precision: Float64Array; recall: Float64Array; f: Float64Array } {
  const fg = new Float64Array(256),
    bg = new Float64Array(256);
  let numFg = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.floor(p[i] * 255);
    if (g[i]) {
      fg[q]++;
      numFg++;
    } else bg[q]++;
  }
  const precision = new Float64Array(256),
    recall = new Float64Array(256),
    f = new Float64Array(256);
  let tp = 0,
    all = 0;
  const T = Math.max(numFg, 1);
  for (let k = 0; k < 256; k++) {
    const t = 255 - k;
    tp += fg[t];
    all += fg[t] + bg[t];
    const P = tp / (all === 0 ? 1 : all);
    const R = tp / T;
    precision[k] = P;
    recall[k] = R;
    const num = (1 + BETA2) * P * R;
    f[k] = num === 0 ? 0 : num / (BETA2 * P + R);
  }
  return { precision, recall, f };
}

/** Adaptive F-measure: threshold min(2·mean(p), 1), foreground where p ≥ threshold. */
export function adaptiveFMeasure(p: Float64Array, g: Uint8Array): number {
  let mean = 0;
  for (let i = 0; i < p.length; i++) mean += p[i];
  const thr = Math.min((2 * mean) / p.length, 1);
  let tp = 0,
    pos = 0,
    numFg = 0;
  for (let i = 0; i < p.length; i++) {
    const b = p[i] >= thr;
    if (b) pos++;
    if (g[i]) numFg++;
    if (b && g[i]) tp++;
  }
  if (tp === 0) return 0;
  const P = tp / pos,
    R = tp / numFg;
  return ((1 + BETA2) * P * R) / (BETA2 * P + R);
}
