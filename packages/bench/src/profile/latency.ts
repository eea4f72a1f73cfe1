import { performance } from 'node:perf_hooks';

/** Summary of repeated timings in milliseconds. */
export interface LatencyStats {
  /** Median of the timed repeats (the headline number). */
  median_ms: number;
  min_ms: number;
  max_ms: number;
  /** Interquartile range (p75 − p25, linear interpolation), the spread. */
  iqr_ms: number;
  repeats: number;
  /** Every timed repeat, in run order (warm-up runs excluded). */
  samples_ms: number[];
}

/** Quantile q ∈ [0,1] of sorted values with linear interpolation (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  return {
    median_ms: quantile(s, 0.5),
    min_ms: s[0] ?? NaN,
    max_ms: s[s.length - 1] ?? NaN,
    iqr_ms: quantile(s, 0.75) - quantile(s, 0.25),
    repeats: s.length,
    samples_ms: [...samples],
  };
}

/**
 * Times `run` (which must finish its work, including any download of results, before its
 * promise resolves): `warmup` untimed calls, then `repeats` timed calls, wall clock
 * (`performance.now`).
 */
export async function timeRepeated(
  run: () => Promise<void>,
  opts: { warmup: number; repeats: number },
): Promise<LatencyStats> {
  for (let i = 0; i < opts.warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < opts.repeats; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return latencyStats(samples);
}
