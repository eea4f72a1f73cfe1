/**
 * Per-image contributions of a test-set metric, kept so the test-set uncertainty of a
 * single-seed comparison can be measured (a seed interval says nothing about it). Each image i
 * contributes a vector v_i, and the metric of any multiset S of images is reduce(Σ_{i∈S} v_i),
 * which is exact for the metrics we report:
 * - `mean` (MAE, per-image averaged metrics): v_i = [m_i], reduce = Σ / |S|;
 * - `miou` (mmseg mIoU): v_i = [I_i,1..I_i,K, U_i,1..U_i,K] (per-class intersection and union
 *   pixel counts), reduce = mean over classes with U > 0 of ΣI / ΣU.
 */
export interface PerImageStat {
  metric: string;
  reduce: 'mean' | 'miou';
  /** Image names (the pairing key between two rows). */
  names: string[];
  /** One vector per image, all the same length. */
  vectors: number[][];
}

/** The metric over the images with the given indices (repeats allowed). */
export function reducePerImage(stat: Pick<PerImageStat, 'reduce' | 'vectors'>, indices: readonly number[]): number {
  const len = stat.vectors[0]?.length ?? 0;
  const sum = new Float64Array(len);
  for (const i of indices) {
    const v = stat.vectors[i];
    for (let k = 0; k < len; k++) sum[k] += v[k];
  }
  if (stat.reduce === 'mean') return sum[0] / indices.length;
  const K = len / 2;
  let s = 0,
    c = 0;
  for (let k = 0; k < K; k++) {
    if (sum[K + k] > 0) {
      s += sum[k] / sum[K + k];
      c++;
    }
  }
  return c === 0 ? NaN : s / c;
}
