import { writeFileAtomic, type Cell } from '@kd/core';
import { stringify } from 'csv-stringify/sync';
import type { ExperimentResult } from './experiment.ts';

/** Writes the result table as CSV (temp file + rename: never half-written). */
export function writeResultCsv(file: string, result: ExperimentResult): void {
  const csv = stringify(
    result.rows.map((r) => result.columns.map((c) => r[c] ?? '')),
    { header: true, columns: result.columns },
  );
  writeFileAtomic(file, csv);
}

/** Formats a number for the terminal table: integers as is, others to 4 significant places. */
function cellText(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v);
}

/** An aligned plain-text table of the chosen columns. */
export function formatTable(result: ExperimentResult, columns = result.columns): string {
  const rows = result.rows.map((r) => columns.map((c) => cellText(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i])).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
