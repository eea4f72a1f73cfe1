import fs from 'node:fs';
import { UsageError } from '@kd/core';
import { parseCsv, type ResultRow } from '@kd/bench/tables';
import { gridPoints } from './expand.ts';
import type { SweepExperiment } from './sweep-experiment.ts';

/** Columns that look numeric but are identifiers. */
const TEXT_COLUMNS = ['git_hash', 'run', 'variant', 'model', 'student', 'error'];

/**
 * Raw rows of several `<name>.raw.csv` files as one table: a run (by its `run` hash) present in
 * several files is taken once; rows are put in table order (variant, grid point, seed).
 */
export function combineRawRows(exp: SweepExperiment, files: readonly string[]): ResultRow[] {
  const byRun = new Map<string, ResultRow>();
  for (const file of files) {
    if (!fs.existsSync(file)) throw new UsageError(`--raw: ${file} does not exist`);
    const rows = parseCsv(fs.readFileSync(file, 'utf8'), { source: file, textColumns: TEXT_COLUMNS });
    for (const [i, r] of rows.entries()) {
      for (const col of ['variant', 'seed', 'run'])
        if (r[col] === null || r[col] === undefined)
          throw new UsageError(`--raw: ${file} row ${i + 2} has no '${col}' (is it a ${exp.name}.raw.csv?)`);
      if (!exp.variants.some((v) => v.label === r.variant))
        throw new UsageError(
          `--raw: ${file} row ${i + 2} has variant '${r.variant}', which ${exp.name} does not declare`,
        );
      if (!byRun.has(String(r.run))) byRun.set(String(r.run), r);
    }
  }
  const vIndex = new Map(exp.variants.map((v, i) => [v.label, i]));
  const gridKeys = Object.keys(exp.grid ?? {});
  const points = gridPoints(exp.grid).map((p) => JSON.stringify(p));
  const pointIndex = (r: ResultRow) =>
    points.indexOf(JSON.stringify(Object.fromEntries(gridKeys.map((k) => [k, r[k]]))));
  return [...byRun.values()].sort(
    (a, b) =>
      vIndex.get(String(a.variant))! - vIndex.get(String(b.variant))! ||
      pointIndex(a) - pointIndex(b) ||
      Number(a.seed) - Number(b.seed),
  );
}
