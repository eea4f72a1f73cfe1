import fs from 'node:fs';
import path from 'node:path';
import { aggregateSeeds, rowsToCsv, toMarkdown, type ResultRow } from '@kd/bench';
import type { RunSpec } from './expand.ts';
import type { StoredRun } from './run-store.ts';
import type { SweepExperiment } from './sweep-experiment.ts';

const PROVENANCE = ['seed', 'backend', 'threads', 'git_hash'];

/** Writes text via temp file + rename. */
function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Rebuilds the sweep's tables from the finished runs (so rows are never lost or duplicated,
 * whatever was killed or sharded): `<name>.raw.csv` one row per run in table order,
 * `<name>.csv` mean ± std over seeds per (variant, grid point, groupBy), `<name>.md` the same
 * in Markdown with the paper's numbers beside ours. Returns the aggregated rows.
 */
export function writeSweepTables(exp: SweepExperiment, specs: readonly RunSpec[], finished: Map<string, StoredRun>, outDir: string): ResultRow[] {
  const gridKeys = Object.keys(exp.grid ?? {});
  const raw: ResultRow[] = [];
  for (const s of specs) {
    const run = finished.get(s.hash);
    if (!run) continue;
    raw.push({ variant: s.variant, ...s.point, ...run.row, seed: s.seed, status: run.status, error: run.error ?? null, failed_step: run.failed_step ?? null, run: s.hash });
  }
  const ok = raw.filter((r) => r.status === 'ok');
  const groupBy = ['variant', ...gridKeys, ...exp.groupBy];
  let agg = aggregateSeeds(ok, { groupBy, metrics: exp.metrics });
  const env = ok[0] ?? raw[0];
  // A paper column only for metrics the paper reports for at least one row.
  const paperMetrics = exp.metrics.filter((m) => Object.values(exp.paper ?? {}).some((p) => p[m] !== undefined));
  agg = agg.map((r) => {
    const paper = exp.paper?.[String(r.variant)] ?? {};
    const extra: ResultRow = {};
    for (const m of paperMetrics) extra[`paper_${m}`] = paper[m] ?? null;
    return { ...r, ...extra, backend: env?.backend ?? null, threads: env?.threads ?? null, git_hash: env?.git_hash ?? null };
  });
  const failed = raw.filter((r) => r.status === 'failed').length;
  const rawCols = ['variant', ...gridKeys, ...exp.groupBy, ...exp.metrics, ...PROVENANCE, 'status', 'error', 'failed_step', 'run'];
  writeAtomic(path.join(outDir, `${exp.name}.raw.csv`), rowsToCsv(raw, [...new Set([...rawCols, ...Object.keys(raw[0] ?? {})])]));
  const aggCols = [...groupBy, 'seeds', ...exp.metrics.flatMap((m) => [m, `${m}_std`, ...(paperMetrics.includes(m) ? [`paper_${m}`] : [])]), 'backend', 'threads', 'git_hash'];
  writeAtomic(path.join(outDir, `${exp.name}.csv`), rowsToCsv(agg, aggCols));
  const md = [
    `# ${exp.name}`,
    '',
    exp.description,
    '',
    toMarkdown(agg, [
      ...groupBy.map((key) => ({ key })),
      { key: 'seeds' },
      ...exp.metrics.flatMap((m) => [{ key: m, digits: exp.digits?.[m] ?? 4 }, ...(paperMetrics.includes(m) ? [{ key: `paper_${m}`, label: `paper ${m}`, digits: exp.digits?.[m] ?? 3 }] : [])]),
    ]),
    '',
    `Runs: ${raw.length} finished of ${specs.length}${failed ? ` (${failed} failed: see ${exp.name}.raw.csv)` : ''}; backend ${env?.backend ?? '–'}, threads ${env?.threads ?? '–'}, git ${env?.git_hash ?? '–'}. Mean ± sample std over seeds.`,
    ...(exp.note ? ['', exp.note] : []),
    '',
  ].join('\n');
  writeAtomic(path.join(outDir, `${exp.name}.md`), md);
  return agg;
}
