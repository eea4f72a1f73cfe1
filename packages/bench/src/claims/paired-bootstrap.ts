import { Rng } from '@kd/core';
import { reducePerImage, type PerImageStat } from './per-image-stat.ts';

/** Percentile bootstrap interval of an oriented metric difference over test images. */
export interface BootstrapInterval {
  images: number;
  /** Difference on the full test set (oriented: positive = claimed direction). */
  diff: number;
  low: number;
  high: number;
  resamples: number;
}

/**
 * Paired per-image bootstrap of metric(A) − metric(B) (times `sign`): both rows are scored on
 * the same resampled multiset of test images (paired by image name), `resamples` times, and the
 * interval is the (α/2, 1 − α/2) percentiles. This measures test-set uncertainty only — for the
 * full profile's single-seed rows, where no seed interval exists. Draws come from a seeded Rng,
 * so the interval is reproducible.
 */
export function pairedBootstrap(
  a: PerImageStat,
  b: PerImageStat,
  opts: { sign: 1 | -1; resamples?: number; level?: number; seed?: number },
): BootstrapInterval {
  const resamples = opts.resamples ?? 2000,
    level = opts.level ?? 0.95;
  const indexB = new Map(b.names.map((n, i) => [n, i]));
  const pairs: [number, number][] = [];
  for (const [i, name] of a.names.entries()) {
    const j = indexB.get(name);
    if (j === undefined)
      throw new Error(`pairedBootstrap: image '${name}' is scored in one row (${a.metric}) but not the other`);
    pairs.push([i, j]);
  }
  if (pairs.length !== b.names.length)
    throw new Error(
      `pairedBootstrap: the rows were scored on different test sets (${a.names.length} vs ${b.names.length} images)`,
    );
  const n = pairs.length;
  if (n === 0) throw new Error('pairedBootstrap: no test images');
  const diffOf = (ia: number[], ib: number[]) => opts.sign * (reducePerImage(a, ia) - reducePerImage(b, ib));
  const diff = diffOf(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  const rng = new Rng(opts.seed ?? 1, 'paired-bootstrap');
  const draws = new Float64Array(resamples);
  const ia = new Array<number>(n),
    ib = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) {
      const p = pairs[rng.int(0, n)];
      ia[k] = p[0];
      ib[k] = p[1];
    }
    draws[r] = diffOf(ia, ib);
  }
  draws.sort();
  const at = (q: number) => draws[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  return { images: n, diff, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2), resamples };
}
