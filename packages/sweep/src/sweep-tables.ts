import fs from 'node:fs';
import path from 'node:path';
import { RUN_COLUMNS, writeFileAtomic } from '@kd/core';
import {
  CLAIM_COLUMNS,
  aggregateSeeds,
  columnsOf,
  claimRows,
  groupedMarkdown,
  claimsMarkdown,
  judgeClaims,
  rowsToCsv,
  toMarkdown,
  type PerImageStat,
  type ResultRow,
} from '@kd/bench/tables';
import type { RunSpec } from './expand.ts';
import { runDirOf, type StoredRun } from './run-store.ts';
import type { SweepExperiment } from './sweep-experiment.ts';

/** One raw row per finished run, in table order (variant, grid point, model columns, provenance, status). */
export function rawRowsOf(specs: readonly RunSpec[], finished: Map<string, StoredRun>): ResultRow[] {
  const raw: ResultRow[] = [];
  for (const s of specs) {
    const run = finished.get(s.hash);
    if (!run) continue;
    raw.push({
      variant: s.variant,
      ...s.point,
      ...run.row,
      seed: s.seed,
      status: run.status,
      error: run.error ?? null,
      failed_step: run.failed_step ?? null,
      run: s.hash,
    });
  }
  return raw;
}

/** The per-image statistics a run saved (`per-image.json`), for single-seed bootstrap intervals. */
export function readPerImage(outDir: string, experiment: string, run: unknown): PerImageStat | null {
  if (typeof run !== 'string') return null;
  const file = path.join(runDirOf(outDir, experiment, run), 'per-image.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PerImageStat) : null;
}

/**
 * Rebuilds the sweep's tables from the finished runs (so rows are never lost or duplicated,
 * whatever was killed or sharded). See writeTablesFromRaw.
 */
export function writeSweepTables(
  exp: SweepExperiment,
  specs: readonly RunSpec[],
  finished: Map<string, StoredRun>,
  outDir: string,
): ResultRow[] {
  return writeTablesFromRaw(exp, rawRowsOf(specs, finished), outDir, {
    total: specs.length,
    perImage: (row) => readPerImage(outDir, exp.name, row.run),
  });
}

/**
 * Writes the tables of a sweep from its raw per-run rows: `<name>.raw.csv` one row per run in
 * table order, `<name>.csv` mean ± std over seeds per (variant, grid point, groupBy),
 * `<name>.claims.csv` the paper's claims judged on paired seeds, and `<name>.md` with the Claims
 * section first, then the table with the paper's numbers beside ours. The same raw rows always
 * give the same files (a resumed, merged or re-judged sweep agrees). Returns the aggregated rows.
 */
export function writeTablesFromRaw(
  exp: SweepExperiment,
  raw: readonly ResultRow[],
  outDir: string,
  opts: { total: number; perImage?: (row: ResultRow) => PerImageStat | null },
): ResultRow[] {
  const gridKeys = Object.keys(exp.grid ?? {});
  const ok = raw.filter((r) => r.status === 'ok');
  const groupBy = ['variant', ...gridKeys, ...exp.groupBy];
  let agg = aggregateSeeds(ok, { groupBy, metrics: exp.metrics });
  const env = ok[0] ?? raw[0];
  // A paper column only for metrics the paper reports for at least one row.
  const paperMetrics = exp.metrics.filter((m) => Object.values(exp.paper ?? {}).some((p) => p[m] !== undefined));
  const firstOf = (r: ResultRow, key: string) =>
    ok.find((o) => groupBy.every((g) => (o[g] ?? null) === (r[g] ?? null)) && typeof o[key] === 'number')?.[key] ??
    null;
  agg = agg.map((r) => {
    const paper = exp.paper?.[String(r.variant)] ?? {};
    const extra: ResultRow = {};
    for (const m of paperMetrics) extra[`paper_${m}`] = paper[m] ?? null;
    return {
      ...r,
      n_test: firstOf(r, 'n_test'),
      ...extra,
      backend: env?.backend ?? null,
      threads: env?.threads ?? null,
      git_hash: env?.git_hash ?? null,
    };
  });
  const failed = raw.filter((r) => r.status === 'failed').length;
  const rawCols = [
    'variant',
    ...gridKeys,
    ...exp.groupBy,
    ...exp.metrics,
    ...RUN_COLUMNS,
    'status',
    'error',
    'failed_step',
    'run',
  ];
  writeFileAtomic(
    path.join(outDir, `${exp.name}.raw.csv`),
    rowsToCsv(raw, [...new Set([...rawCols, ...columnsOf(raw)])]),
  );
  const aggCols = [
    ...groupBy,
    'seeds',
    'n_test',
    ...exp.metrics.flatMap((m) => [m, `${m}_std`, ...(paperMetrics.includes(m) ? [`paper_${m}`] : [])]),
    ...RUN_COLUMNS.filter((c) => c !== 'seed'),
  ];
  writeFileAtomic(path.join(outDir, `${exp.name}.csv`), rowsToCsv(agg, aggCols));
  // A claim is judged where its rows were run; a profile that leaves a row out (`Variant.only`) lists it apart.
  const ran = new Set(raw.map((r) => String(r.variant)));
  const here = (exp.claims ?? []).filter((c) => ran.has(c.better) && ran.has(c.than));
  const elsewhere = (exp.claims ?? []).filter((c) => !here.includes(c));
  const judged = judgeClaims(raw, here, { precondition: exp.precondition, perImage: opts.perImage });
  if (exp.claims?.length)
    writeFileAtomic(path.join(outDir, `${exp.name}.claims.csv`), rowsToCsv(claimRows(judged.claims), CLAIM_COLUMNS));
  const md = [
    `# ${exp.name}`,
    '',
    exp.description,
    '',
    ...(exp.groupedTables ?? []).map((t) => groupedMarkdown(agg, t)),
    ...(exp.claims?.length
      ? [
          claimsMarkdown(judged.claims, judged.preconditions, { digits: exp.digits }),
          ...(elsewhere.length
            ? [
                `Not judged in this table (a row was not run in this profile): ${elsewhere.map((c) => `\`${c.id}\` (${c.better} vs ${c.than})`).join('; ')}.`,
                '',
              ]
            : []),
          '## Table',
          '',
        ]
      : exp.groupedTables?.length
        ? ['## Table', '']
        : []),
    toMarkdown(agg, [
      ...groupBy.map((key) => ({ key })),
      { key: 'seeds' },
      { key: 'n_test', label: 'test images' },
      ...exp.metrics.flatMap((m) => [
        { key: m, digits: exp.digits?.[m] ?? 4 },
        ...(paperMetrics.includes(m) ? [{ key: `paper_${m}`, label: `paper ${m}`, digits: exp.digits?.[m] ?? 3 }] : []),
      ]),
    ]),
    '',
    `Runs: ${raw.length} finished of ${opts.total}${failed ? ` (${failed} failed: see ${exp.name}.raw.csv)` : ''}; backend ${env?.backend ?? '–'}, threads ${env?.threads ?? '–'}, git ${env?.git_hash ?? '–'}. Mean ± sample std over seeds.`,
    ...(exp.note ? ['', exp.note] : []),
    '',
  ].join('\n');
  writeFileAtomic(path.join(outDir, `${exp.name}.md`), md);
  return agg;
}
