import { isGrayMap, type GrayMap } from './constants.ts';
import { adaptiveEMeasure, eMeasureCurve } from './e-measure.ts';
import { adaptiveFMeasure, fMeasureCurve } from './f-measure.ts';
import { mae } from './mae.ts';
import { binarizeGt, preparePrediction } from './prepare.ts';
import { sMeasure } from './s-measure.ts';
import { weightedFMeasure } from './weighted-f-measure.ts';

export interface SodScores {
  MAE: number;
  Smeasure: number;
  wFmeasure: number;
  adpFm: number;
  meanFm: number;
  maxFm: number;
  adpEm: number;
  meanEm: number;
  maxEm: number;
  num_images: number;
}

/** One image's scores; maxFm/meanFm/maxEm/meanEm are over that image's own curves. */
export interface SodImageScores extends Omit<SodScores, 'num_images'> {
  name: string;
}

/** Dataset-averaged curves, index k ↔ threshold 255 − k (PySODMetrics order). */
export interface SodCurves {
  thresholds: number[];
  precision: number[];
  recall: number[];
  fm: number[];
  em: number[];
}

type MapInput = GrayMap | ArrayLike<number>;

/**
 * Accumulates SOD metrics over a dataset with the PySODMetrics conventions (see
 * `preparePrediction`, `fMeasureCurve`, `sMeasure`, `eMeasureCurve`, `weightedFMeasure`).
 * Dataset level: MAE, Smeasure, wFmeasure, adpFm, adpEm are means over images; maxFm/meanFm and
 * maxEm/meanEm are the max/mean of the image-averaged 256-point curves.
 *
 * `add` takes 8-bit maps (0..255) of one image, same size. Pass `{data, width, height}` (as
 * `readGray` returns): S-measure, wF and E-measure need the 2-D shape. Flat arrays (the original
 * API) still give MAE and the F-measures; the shape-dependent scores are then NaN for that image,
 * and so in the summary. An empty evaluator summarises to zeros with num_images 0.
 */
export class SodEvaluator {
  private n = 0;
  private sums = { MAE: 0, Smeasure: 0, wFmeasure: 0, adpFm: 0, adpEm: 0 };
  private readonly fSum = new Float64Array(256);
  private readonly pSum = new Float64Array(256);
  private readonly rSum = new Float64Array(256);
  private readonly eSum = new Float64Array(256);

  add(pred: MapInput, gt: MapInput, name = `image ${this.n}`): SodImageScores {
    const pd = isGrayMap(pred) ? pred.data : pred;
    const gd = isGrayMap(gt) ? gt.data : gt;
    if (pd.length !== gd.length)
      throw new Error(`SodEvaluator: ${name}: prediction has ${pd.length} pixels, ground truth ${gd.length}`);
    const shape = isGrayMap(gt) ? gt : isGrayMap(pred) ? pred : null;
    if (isGrayMap(pred) && isGrayMap(gt) && (pred.width !== gt.width || pred.height !== gt.height)) {
      throw new Error(
        `SodEvaluator: ${name}: prediction is ${pred.width}×${pred.height}, ground truth ${gt.width}×${gt.height}`,
      );
    }
    if (shape && shape.width * shape.height !== gd.length) {
      throw new Error(`SodEvaluator: ${name}: ${shape.width}×${shape.height} does not match ${gd.length} pixels`);
    }
    const p = preparePrediction(pd);
    const g = binarizeGt(gd);
    const { f, precision, recall } = fMeasureCurve(p, g);
    const em = shape ? eMeasureCurve(p, g) : new Float64Array(256).fill(NaN);
    const scores: SodImageScores = {
      name,
      MAE: mae(p, g),
      Smeasure: shape ? sMeasure(p, g, shape.height, shape.width) : NaN,
      wFmeasure: shape ? weightedFMeasure(p, g, shape.height, shape.width) : NaN,
      adpFm: adaptiveFMeasure(p, g),
      meanFm: mean(f),
      maxFm: Math.max(...f),
      adpEm: shape ? adaptiveEMeasure(p, g) : NaN,
      meanEm: mean(em),
      maxEm: shape ? Math.max(...em) : NaN,
    };
    for (const k of Object.keys(this.sums) as (keyof typeof this.sums)[]) this.sums[k] += scores[k];
    for (let k = 0; k < 256; k++) {
      this.fSum[k] += f[k];
      this.pSum[k] += precision[k];
      this.rSum[k] += recall[k];
      this.eSum[k] += em[k];
    }
    this.n++;
    return scores;
  }

  summary(): SodScores {
    const n = Math.max(this.n, 1);
    const fm = [...this.fSum].map((v) => v / n);
    const em = [...this.eSum].map((v) => v / n);
    return {
      MAE: this.sums.MAE / n,
      Smeasure: this.sums.Smeasure / n,
      wFmeasure: this.sums.wFmeasure / n,
      adpFm: this.sums.adpFm / n,
      meanFm: mean(fm),
      maxFm: Math.max(...fm),
      adpEm: this.sums.adpEm / n,
      meanEm: mean(em),
      maxEm: Math.max(...em),
      num_images: this.n,
    };
  }

  curves(): SodCurves {
    const n = Math.max(this.n, 1);
    const avg = (a: Float64Array): number[] => [...a].map((v) => v / n);
    return {
      thresholds: Array.from({ length: 256 }, (_, k) => 255 - k),
      precision: avg(this.pSum),
      recall: avg(this.rSum),
      fm: avg(this.fSum),
      em: avg(this.eSum),
    };
  }
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}
