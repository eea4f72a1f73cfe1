import { studentTQuantile } from './student-t.ts';

/** Summary of paired per-seed differences d_s = (better_s − than_s), oriented so positive = claimed. */
export interface PairedInterval {
  n: number;
  mean: number;
  /** Sample standard deviation of the differences (n − 1); 0 for n = 1. */
  sd: number;
  low: number;
  high: number;
  /** How many differences are strictly positive (agree with the claim's sign). */
  agree: number;
}

/**
 * Two-sided confidence interval for the mean of paired differences, Student t with n − 1
 * degrees of freedom: mean ± t_{1−α/2, n−1} · sd / √n.
 *
 * Why t on the differences and not something else at n = 3–10 seeds: pairing removes the
 * between-seed variation that both rows share (same init and data order), leaving one sample
 * of n differences; with n this small a normal interval (z = 1.96) is far too narrow (t = 4.30 at
 * n = 3), and a bootstrap over 3–10 values cannot resample enough distinct sets to reach 95 %
 * (3 values give only 10 distinct resamples). A sign or Wilcoxon test needs n ≥ 6 to reach 5 %
 * at all. The t interval is exact if the differences are normal and is robust to moderate
 * non-normality of a mean; it is also what a reader can recompute by hand from the CSV.
 * n = 1 gives an unbounded interval (−∞, ∞).
 */
export function pairedInterval(diffs: readonly number[], level = 0.95): PairedInterval {
  const n = diffs.length;
  if (n === 0) throw new RangeError('pairedInterval: no paired differences');
  if (!(level > 0 && level < 1)) throw new RangeError(`pairedInterval: level must be in (0, 1), got ${level}`);
  const mean = diffs.reduce((s, d) => s + d, 0) / n;
  const agree = diffs.filter((d) => d > 0).length;
  if (n === 1) return { n, mean, sd: 0, low: -Infinity, high: Infinity, agree };
  const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, low: mean - half, high: mean + half, agree };
}
