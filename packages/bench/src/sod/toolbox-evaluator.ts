import { isGrayMap, type GrayMap } from './constants.ts';

/** The KD-SCFNet toolbox's epsilon (its copy of saliency_toolbox.py sets eps = 1e-20) and β² = 0.3. */
export const TOOLBOX_EPS = 1e-20;
export const TOOLBOX_BETA2 = 0.3;

export interface ToolboxScores {
  MAE: number;
  maxFm: number;
  meanFm: number;
  Smeasure: number;
  adpEm: number;
  num_images: number;
}

/**
 * The KD-SCFNet evaluation toolbox (`SCFNet/saliency_toolbox.py`, a copy of Mehrdad-Noori's; METHODS
 * §1.4), one image at a time, from the two 8-bit maps as `cv2.imread(…, GRAYSCALE)` gives them:
 * - gt and prediction min–max normalised to [0, 1] per image (cv2 NORM_MINMAX: a constant map → 0),
 *   gt then binarised at ≥ 0.5;
 * - MAE = mean|S − G|;
 * - P/R at the 256 thresholds linspace(0, 1, 256), S ≥ th: P = hit/(|S_bin| + 1e-20), R = hit/|G|,
 *   averaged over images, F = 1.3·P·R/(0.3·P + R); maxFm = max, meanFm = mean over thresholds;
 * - S-measure as its `Eval_Smeasure` (α = 0.5; object term 2x/(x² + 1 + σ + 1e-20) with the
 *   population σ; region term split at the gt centroid round(Σ i·colsum / |G|), i from 0);
 * - adaptive E-measure: S ≥ min(2·mean S, 1), E = Σ (φ + 1)²/4 / (H·W − 1 + 1e-20).
 * Deviations where the script would crash or give NaN: an image with an empty gt adds nothing to the
 * P/R curves (the script's hstack fails), an empty S-measure quadrant scores 0 (its weight is 0; the
 * script raises on the NaN), and a threshold with P = R = 0 has F = 0 (not NaN).
 */
export class ToolboxEvaluator {
  private n = 0;
  private nCurve = 0;
  private sums = { MAE: 0, Smeasure: 0, adpEm: 0 };
  private readonly pSum = new Float64Array(256);
  private readonly rSum = new Float64Array(256);

  add(
    pred: GrayMap,
    gt: GrayMap,
    name = `image ${this.n}`,
  ): { name: string; MAE: number; Smeasure: number; adpEm: number } {
    if (!isGrayMap(pred) || !isGrayMap(gt))
      throw new Error(`ToolboxEvaluator: ${name}: pass {data, width, height} maps`);
    if (pred.width !== gt.width || pred.height !== gt.height)
      throw new Error(
        `ToolboxEvaluator: ${name}: prediction is ${pred.width}×${pred.height}, ground truth ${gt.width}×${gt.height}`,
      );
    const { width: w, height: h } = gt;
    const s = normMinMax(pred.data);
    const gn = normMinMax(gt.data);
    const g = new Uint8Array(gn.length);
    for (let i = 0; i < g.length; i++) g[i] = gn[i] >= 0.5 ? 1 : 0;
    let absSum = 0;
    for (let i = 0; i < s.length; i++) absSum += Math.abs(s[i] - g[i]);
    const one = { name, MAE: absSum / s.length, Smeasure: sMeasure(s, g, w, h), adpEm: adaptiveE(s, g, w, h) };
    this.addCurve(pred.data, s, g);
    this.sums.MAE += one.MAE;
    this.sums.Smeasure += one.Smeasure;
    this.sums.adpEm += one.adpEm;
    this.n++;
    return one;
  }

  /** P/R at thresholds k/255 from a histogram of the 8-bit values (each maps to one normalised value). */
  private addCurve(raw: ArrayLike<number>, s: Float64Array, g: Uint8Array): void {
    const valueOf = new Float64Array(256),
      all = new Float64Array(256),
      fg = new Float64Array(256);
    let gCount = 0;
    for (let i = 0; i < s.length; i++) {
      const q = raw[i];
      if (!Number.isInteger(q) || q < 0 || q > 255)
        throw new Error(`ToolboxEvaluator: prediction value ${q} at pixel ${i} is not an 8-bit integer`);
      valueOf[q] = s[i];
      all[q]++;
      if (g[i]) {
        fg[q]++;
        gCount++;
      }
    }
    if (gCount === 0) return;
    for (let k = 0; k < 256; k++) {
      const th = k === 255 ? 1 : k * (1 / 255); // numpy linspace(0, 1, 256)
      let hit = 0,
        alg = 0;
      for (let q = 0; q < 256; q++) {
        if (all[q] && valueOf[q] >= th) {
          hit += fg[q];
          alg += all[q];
        }
      }
      this.pSum[k] += hit / (alg + TOOLBOX_EPS);
      this.rSum[k] += hit / gCount;
    }
    this.nCurve++;
  }

  /** F at thresholds linspace(0, 1, 256) from the image-averaged P and R. */
  fCurve(): number[] {
    const n = Math.max(this.nCurve, 1);
    return [...this.pSum].map((ps, k) => {
      const P = ps / n,
        R = this.rSum[k] / n;
      const f = ((1 + TOOLBOX_BETA2) * P * R) / (TOOLBOX_BETA2 * P + R);
      return Number.isFinite(f) ? f : 0;
    });
  }

  summary(): ToolboxScores {
    const n = Math.max(this.n, 1);
    const f = this.fCurve();
    return {
      MAE: this.sums.MAE / n,
      maxFm: Math.max(...f),
      meanFm: f.reduce((a, b) => a + b, 0) / f.length,
      Smeasure: this.sums.Smeasure / n,
      adpEm: this.sums.adpEm / n,
      num_images: this.n,
    };
  }
}

/** cv2.normalize(x.astype(float), NORM_MINMAX, 0, 1): x·scale + shift, scale = 1/(max − min) (0 for a constant map). */
function normMinMax(x: ArrayLike<number>): Float64Array {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  const scale = hi - lo > 2.220446049250313e-16 ? 1 / (hi - lo) : 0;
  const shift = -lo * scale;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * scale + shift;
  return out;
}

/** KD-SCFNet's Eval_Smeasure on S ∈ [0, 1] and binary G (H×W, row-major). */
function sMeasure(s: Float64Array, g: Uint8Array, w: number, h: number): number {
  let gSum = 0,
    sSum = 0;
  for (let i = 0; i < g.length; i++) {
    gSum += g[i];
    sSum += s[i];
  }
  const y = gSum / g.length;
  if (y === 0) return 1 - sSum / s.length;
  if (y === 1) return sSum / s.length;
  const q = 0.5 * sObject(s, g, y) + 0.5 * sRegion(s, g, w, h, gSum);
  return q < 0 ? 0 : q;
}

function sObject(s: Float64Array, g: Uint8Array, u: number): number {
  const object = (fgOf: 1 | 0, value: (v: number) => number) => {
    let n = 0,
      sum = 0,
      sq = 0;
    for (let i = 0; i < s.length; i++) {
      if (g[i] !== fgOf) continue;
      const v = value(s[i]);
      n++;
      sum += v;
      sq += v * v;
    }
    const x = sum / n;
    const sigma = Math.sqrt(Math.max(sq / n - x * x, 0));
    return (2 * x) / (x * x + 1 + sigma + TOOLBOX_EPS);
  };
  return u * object(1, (v) => v) + (1 - u) * object(0, (v) => 1 - v);
}

function sRegion(s: Float64Array, g: Uint8Array, w: number, h: number, gSum: number): number {
  let cx = 0,
    cy = 0;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      if (!g[r * w + c]) continue;
      cx += c;
      cy += r;
    }
  const X = roundHalfEven(cx / gSum),
    Y = roundHalfEven(cy / gSum);
  const area = w * h;
  const w1 = (X * Y) / area,
    w2 = ((w - X) * Y) / area,
    w3 = (X * (h - Y)) / area;
  const w4 = 1 - w1 - w2 - w3;
  return (
    w1 * ssim(s, g, w, 0, X, 0, Y) +
    w2 * ssim(s, g, w, X, w, 0, Y) +
    w3 * ssim(s, g, w, 0, X, Y, h) +
    w4 * ssim(s, g, w, X, w, Y, h)
  );
}

/** The toolbox's `_ssim` on the block [x0, x1) × [y0, y1); an empty block scores 0. */
function ssim(s: Float64Array, g: Uint8Array, w: number, x0: number, x1: number, y0: number, y1: number): number {
  const N = (x1 - x0) * (y1 - y0);
  if (N <= 0) return 0;
  let sx = 0,
    sy = 0;
  for (let r = y0; r < y1; r++)
    for (let c = x0; c < x1; c++) {
      sx += s[r * w + c];
      sy += g[r * w + c];
    }
  const mx = sx / N,
    my = sy / N;
  let vx = 0,
    vy = 0,
    cxy = 0;
  for (let r = y0; r < y1; r++)
    for (let c = x0; c < x1; c++) {
      const a = s[r * w + c] - mx,
        b = g[r * w + c] - my;
      vx += a * a;
      vy += b * b;
      cxy += a * b;
    }
  const d = N - 1 + TOOLBOX_EPS;
  const alpha = 4 * mx * my * (cxy / d);
  const beta = (mx * mx + my * my) * (vx / d + vy / d);
  if (alpha !== 0) return alpha / (beta + TOOLBOX_EPS);
  return beta === 0 ? 1 : 0;
}

/** Adaptive E-measure (the toolbox's e_measure). */
function adaptiveE(s: Float64Array, g: Uint8Array, w: number, h: number): number {
  let sSum = 0;
  for (let i = 0; i < s.length; i++) sSum += s[i];
  const th = Math.min((2 * sSum) / s.length, 1);
  // Counts of the four (S_bin, G) combinations decide every term.
  const cnt = [0, 0, 0, 0]; // index 2·sb + g
  for (let i = 0; i < s.length; i++) cnt[2 * (s[i] >= th ? 1 : 0) + g[i]]++;
  const n = s.length,
    gCount = cnt[1] + cnt[3],
    sCount = cnt[2] + cnt[3];
  let sum: number;
  if (gCount === 0) sum = n - sCount;
  else if (gCount === n) sum = sCount;
  else {
    const mS = sCount / n,
      mG = gCount / n;
    sum = 0;
    for (let sb = 0; sb < 2; sb++)
      for (let gb = 0; gb < 2; gb++) {
        const a = sb - mS,
          b = gb - mG;
        const phi = (2 * a * b) / (a * a + b * b + TOOLBOX_EPS);
        sum += cnt[2 * sb + gb] * ((phi + 1) ** 2 / 4);
      }
  }
  return sum / (w * h - 1 + TOOLBOX_EPS);
}

/** numpy's np.round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
