import { adaptiveFMeasure, fMeasureCurve } from './f-measure.ts';
import { mae } from './mae.ts';
import { binarizeGt, preparePrediction } from './prepare.ts';

export interface SodScores {
  MAE: number;
  maxFm: number;
  meanFm: number;
  adpFm: number;
  num_images: number;
}

/**
 * Accumulates SOD metrics over a dataset (PySODMetrics conventions). Dataset-level MAE and adpF
 * are means over images; maxF/meanF are the max/mean of the image-averaged F curve.
 */
export class SodEvaluator {
  private n = 0;
  private maeSum = 0;
  private adpSum = 0;
  private readonly fSum = new Float64Array(256);

  /** pred, gt: H·W 8-bit values (0..255) of one image, same size. */
  add(pred: ArrayLike<number>, gt: ArrayLike<number>, name = `image ${this.n}`): void {
    if (pred.length !== gt.length) throw new Error(`SodEvaluator: ${name}: prediction has ${pred.length} pixels, ground truth ${gt.length}`);
    const p = preparePrediction(pred);
    const g = binarizeGt(gt);
    this.maeSum += mae(p, g);
    this.adpSum += adaptiveFMeasure(p, g);
    const { f } = fMeasureCurve(p, g);
    for (let k = 0; k < 256; k++) this.fSum[k] += f[k];
    this.n++;
  }

  summary(): SodScores {
    const n = Math.max(this.n, 1);
    let maxF = 0, sumF = 0;
    for (let k = 0; k < 256; k++) {
      const v = this.fSum[k] / n;
      maxF = Math.max(maxF, v);
      sumF += v;
    }
    return { MAE: this.maeSum / n, maxFm: maxF, meanFm: sumF / 256, adpFm: this.adpSum / n, num_images: this.n };
  }
}
