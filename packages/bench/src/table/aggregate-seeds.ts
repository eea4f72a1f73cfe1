import type { Cell, ResultRow } from './result-row.ts';

export interface AggregateOptions {
  /** Columns that identify a table row (e.g. method, teacher, student, dataset). */
  groupBy: readonly string[];
  /** Numeric columns to summarise over seeds. */
  metrics: readonly string[];
  /** The seed column (default `seed`); its distinct values are listed in `seeds`. */
  seedKey?: string;
}

/**
 * Mean ± std over seeds: rows are grouped by the `groupBy` values (groups keep first-seen
 * order); for each metric the output row has `<metric>` (mean), `<metric>_std` (sample standard
 * deviation, n − 1 in the denominator; null for a single value) and `<metric>_n` (number of
 * non-null values). null/NaN values are skipped. `seeds` lists the seeds joined by `;`.
 */
export function aggregateSeeds(rows: readonly ResultRow[], opts: AggregateOptions): ResultRow[] {
  const seedKey = opts.seedKey ?? 'seed';
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const key = JSON.stringify(opts.groupBy.map((g) => r[g] ?? null));
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const out: ResultRow[] = [];
  for (const list of groups.values()) {
    const row: ResultRow = {};
    for (const g of opts.groupBy) row[g] = list[0][g] ?? null;
    row.seeds = list
      .map((r) => r[seedKey])
      .filter((s) => s !== null && s !== undefined)
      .join(';');
    for (const m of opts.metrics) {
      const vals = list.map((r) => r[m]).filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
      const { mean, std } = meanStd(vals);
      row[m] = mean;
      row[`${m}_std`] = std;
      row[`${m}_n`] = vals.length;
    }
    out.push(row);
  }
  return out;
}

/** Mean and sample std (n − 1); mean null for no values, std null for fewer than two. */
export function meanStd(vals: readonly number[]): { mean: number | null; std: number | null } {
  if (vals.length === 0) return { mean: null, std: null };
  const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
  if (vals.length < 2) return { mean, std: null };
  const ss = vals.reduce((s, v) => s + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(ss / (vals.length - 1)) };
}

/** Adds `paper_<metric>` from a lookup keyed by `keyOf(row)`; missing entries are null. */
export function withPaperColumn(
  rows: readonly ResultRow[],
  metric: string,
  paper: Record<string, number>,
  keyOf: (r: ResultRow) => string,
): ResultRow[] {
  return rows.map((r) => {
    const v: Cell = paper[keyOf(r)] ?? null;
    return { ...r, [`paper_${metric}`]: v };
  });
}
