import { isGrayMap, type GrayMap } from './constants.ts';

/** SalMetric's constants: P/R epsilon and β². */
export const SALMETRIC_EPS = 1e-4;
export const SALMETRIC_BETA2 = 0.3;

export interface SalMetricScores {
  MAE: number;
  maxFm: number;
  meanFm: number;
  num_images: number;
}

/**
 * The SalMetric convention (Qibin Hou's C++ tool, used by CSNet), one image at a time:
 * raw 8-bit values, no normalisation. For integer thresholds t = 0..255, prediction fg where
 * s > t (strict), gt fg where g > 128; P = (TP + 1e-4)/(|S| + 1e-4), R = (TP + 1e-4)/(|G| + 1e-4).
 * P and R are averaged over images per threshold, then F(t) = 1.3·P·R/(0.3·P + R) from the
 * averaged P and R. maxFm = max_t F (0 if every F ≤ 0), meanFm = mean_t F.
 * MAE = mean |s − g| / 255 with the *raw* gt values, averaged over images.
 * Arithmetic is float64 (SalMetric accumulates in float32; differences are ~1e-7).
 */
export class SalMetricEvaluator {
  private n = 0;
  private maeSum = 0;
  private readonly pSum = new Float64Array(256);
  private readonly rSum = new Float64Array(256);

  /** pred, gt: 8-bit maps of one image, same size (flat arrays or `{data, width, height}`). */
  add(
    pred: GrayMap | ArrayLike<number>,
    gt: GrayMap | ArrayLike<number>,
    name = `image ${this.n}`,
  ): { name: string; MAE: number } {
    const s = isGrayMap(pred) ? pred.data : pred;
    const g = isGrayMap(gt) ? gt.data : gt;
    if (s.length !== g.length)
      throw new Error(`SalMetricEvaluator: ${name}: prediction has ${s.length} pixels, ground truth ${g.length}`);
    // Histogram of prediction values split by gt fg/bg; |S ∩ G| at t = count of fg with s > t.
    const fgHist = new Float64Array(256),
      allHist = new Float64Array(256);
    let numG = 0,
      absSum = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      const q = Math.min(255, Math.max(0, Math.floor(v)));
      allHist[q]++;
      if (g[i] > 128) {
        fgHist[q]++;
        numG++;
      }
      absSum += Math.abs(v - g[i]) / 255;
    }
    let tp = 0,
      pos = 0;
    // Walk t from 255 down: pixels with value > t are those in bins t+1..255.
    for (let t = 255; t >= 0; t--) {
      if (t < 255) {
        tp += fgHist[t + 1];
        pos += allHist[t + 1];
      }
      this.pSum[t] += (tp + SALMETRIC_EPS) / (pos + SALMETRIC_EPS);
      this.rSum[t] += (tp + SALMETRIC_EPS) / (numG + SALMETRIC_EPS);
    }
    const imageMae = absSum / s.length;
    this.maeSum += imageMae;
    this.n++;
    return { name, MAE: imageMae };
  }

  /** F(t) for t = 0..255 (index = threshold) from the image-averaged P and R. */
  fCurve(): { precision: number[]; recall: number[]; fm: number[] } {
    const n = Math.max(this.n, 1);
    const precision = [...this.pSum].map((v) => v / n);
    const recall = [...this.rSum].map((v) => v / n);
    const fm = precision.map((P, t) => ((1 + SALMETRIC_BETA2) * P * recall[t]) / (SALMETRIC_BETA2 * P + recall[t]));
    return { precision, recall, fm };
  }

  summary(): SalMetricScores {
    const { fm } = this.fCurve();
    let maxF = 0,
      sum = 0;
    for (const f of fm) {
      if (f > maxF) maxF = f;
      sum += f;
    }
    return { MAE: this.maeSum / Math.max(this.n, 1), maxFm: maxF, meanFm: sum / 256, num_images: this.n };
  }
}
