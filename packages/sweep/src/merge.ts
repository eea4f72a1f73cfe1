import fs from 'node:fs';
import path from 'node:path';
import { writeDirAtomicSync } from '@kd/core';
import { gridPoints, type RunSpec } from './expand.ts';
import { readFinishedRuns, runDirOf } from './run-store.ts';
import type { SweepExperiment } from './sweep-experiment.ts';
import { writeSweepTables } from './sweep-tables.ts';

/**
 * Table order for stored runs whose expansion is not known here (merging shards): by variant
 * order, then grid point order, then seed.
 */
export function specsFromRuns(
  exp: SweepExperiment,
  runs: Iterable<{ hash: string; variant: string; point: RunSpec['point']; seed: number }>,
): RunSpec[] {
  const vIndex = new Map(exp.variants.map((v, i) => [v.label, i]));
  const points = gridPoints(exp.grid).map((p) => JSON.stringify(p));
  const key = (r: { variant: string; point: RunSpec['point']; seed: number }) => [
    vIndex.get(r.variant) ?? 1e9,
    points.indexOf(JSON.stringify(r.point)),
    r.seed,
  ];
  return [...runs]
    .map((r) => ({ hash: r.hash, variant: r.variant, point: r.point, seed: r.seed, config: {} }))
    .sort((a, b) => {
      const ka = key(a),
        kb = key(b);
      return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
    });
}

/**
 * Combines the finished runs of several shard output folders into `outDir` (run folders are
 * copied; a run present in several sources is taken once, by hash) and rewrites the tables.
 * Returns the number of runs in the merged table.
 */
export function mergeSweeps(exp: SweepExperiment, sources: readonly string[], outDir: string): number {
  for (const src of sources) {
    if (path.resolve(src) === path.resolve(outDir)) continue;
    for (const [hash] of readFinishedRuns(src, exp.name)) {
      const to = runDirOf(outDir, exp.name, hash);
      if (fs.existsSync(path.join(to, 'row.json'))) continue;
      writeDirAtomicSync(to, (tmp) => fs.cpSync(runDirOf(src, exp.name, hash), tmp, { recursive: true }));
    }
  }
  const finished = readFinishedRuns(outDir, exp.name);
  writeSweepTables(exp, specsFromRuns(exp, finished.values()), finished, outDir);
  return finished.size;
}
