/**
 * One image's contribution to mIoU, for per-image bootstrap intervals (see PerImageStat):
 * [I_0..I_{C−1}, U_0..U_{C−1}] with I_c = #(pred = c ∧ gt = c) and U_c = #(pred = c ∨ gt = c)
 * over the pixels whose gt is not `ignoreIndex`. Summed over all images and reduced as
 * mean_c ΣI_c / ΣU_c (classes with ΣU_c = 0 left out), it equals SegEvaluator's mIoU for
 * in-range predictions (argmax always is).
 */
export function perImageIou(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  numClasses: number,
  ignoreIndex = 255,
): number[] {
  const C = numClasses;
  const v = new Array<number>(2 * C).fill(0);
  for (let i = 0; i < gt.length; i++) {
    const g = gt[i];
    if (g === ignoreIndex || g < 0 || g >= C) continue;
    const p = pred[i];
    if (p === g) {
      v[g]++;
      v[C + g]++;
    } else {
      v[C + g]++;
      if (p >= 0 && p < C) v[C + p]++;
    }
  }
  return v;
}
