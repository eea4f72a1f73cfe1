import { DataError } from '@kd/core';

export interface SegOptions {
  numClasses: number;
  /** Pixels whose gt equals this value are dropped (default 255). */
  ignoreIndex?: number;
}

/** Per-class arrays are indexed by class; null where the metric's denominator is 0. */
export interface SegScores {
  IoU: (number | null)[];
  mIoU: number | null;
  Acc: (number | null)[];
  mAcc: number | null;
  Dice: (number | null)[];
  mDice: number | null;
  aAcc: number | null;
  /** [gt class][pred class] pixel counts over the dataset (valid predictions only). */
  confusion_matrix: number[][];
  /** Per gt class: pixels whose prediction was outside [0, C) (counted as false negatives). */
  out_of_range_pred: number[];
  num_images: number;
}

/**
 * Dataset-level semantic segmentation metrics from one confusion matrix (mmseg `IoUMetric`
 * conventions; values are fractions in [0,1], not percentages).
 * - Pixels whose gt is the ignore index are dropped. Any other gt value outside [0, C) is an
 *   error (DataError naming the image, the value and C).
 * - A prediction outside [0, C) counts for nothing on the prediction side: its pixel is a false
 *   negative of its gt class.
 * - With TP_c, P_c (pixels predicted c), G_c (gt pixels of c):
 *   IoU_c = TP_c/(P_c + G_c − TP_c), Acc_c = TP_c/G_c, Dice_c = 2TP_c/(P_c + G_c),
 *   aAcc = ΣTP/ΣG; each is null where its denominator is 0, and the class means (mIoU, mAcc,
 *   mDice) are over the non-null classes (null when none).
 */
export class SegEvaluator {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  private readonly cm: Float64Array;
  private readonly outOfRange: Float64Array;
  private n = 0;

  constructor(opts: SegOptions) {
    if (!Number.isInteger(opts.numClasses) || opts.numClasses < 1)
      throw new Error(`SegEvaluator: numClasses must be a positive integer, got ${opts.numClasses}`);
    this.numClasses = opts.numClasses;
    this.ignoreIndex = opts.ignoreIndex ?? 255;
    this.cm = new Float64Array(this.numClasses * this.numClasses);
    this.outOfRange = new Float64Array(this.numClasses);
  }

  /** pred, gt: class index maps of one image (row-major, same length). */
  add(pred: ArrayLike<number>, gt: ArrayLike<number>, name = `image ${this.n}`): void {
    if (pred.length !== gt.length)
      throw new DataError(`prediction has ${pred.length} pixels, ground truth ${gt.length}`, name);
    const C = this.numClasses;
    for (let i = 0; i < gt.length; i++) {
      const g = gt[i];
      if (g === this.ignoreIndex) continue;
      if (!(Number.isInteger(g) && g >= 0 && g < C)) {
        throw new DataError(
          `ground-truth value ${g} at pixel ${i} is outside [0, ${C}) and is not the ignore index ${this.ignoreIndex}`,
          name,
        );
      }
      const p = pred[i];
      if (Number.isInteger(p) && p >= 0 && p < C) this.cm[g * C + p]++;
      else this.outOfRange[g]++;
    }
    this.n++;
  }

  summary(): SegScores {
    const C = this.numClasses;
    const tp = new Array<number>(C).fill(0),
      predCount = new Array<number>(C).fill(0),
      gtCount = new Array<number>(C).fill(0);
    for (let g = 0; g < C; g++) {
      for (let p = 0; p < C; p++) {
        const v = this.cm[g * C + p];
        gtCount[g] += v;
        predCount[p] += v;
        if (g === p) tp[g] = v;
      }
      gtCount[g] += this.outOfRange[g];
    }
    const ratio = (num: number, den: number): number | null => (den === 0 ? null : num / den);
    const IoU = tp.map((t, c) => ratio(t, predCount[c] + gtCount[c] - t));
    const Acc = tp.map((t, c) => ratio(t, gtCount[c]));
    const Dice = tp.map((t, c) => ratio(2 * t, predCount[c] + gtCount[c]));
    const sum = (a: number[]): number => a.reduce((s, v) => s + v, 0);
    const confusion: number[][] = [];
    for (let g = 0; g < C; g++) confusion.push([...this.cm.subarray(g * C, (g + 1) * C)]);
    return {
      IoU,
      mIoU: nanMean(IoU),
      Acc,
      mAcc: nanMean(Acc),
      Dice,
      mDice: nanMean(Dice),
      aAcc: ratio(sum(tp), sum(gtCount)),
      confusion_matrix: confusion,
      out_of_range_pred: [...this.outOfRange],
      num_images: this.n,
    };
  }
}

/** Mean over non-null entries; null when all are null. */
export function nanMean(a: (number | null)[]): number | null {
  let s = 0,
    k = 0;
  for (const v of a)
    if (v !== null) {
      s += v;
      k++;
    }
  return k === 0 ? null : s / k;
}
