import { stringify } from 'csv-stringify/sync';
import type { ResultRow } from './result-row.ts';

/**
 * Rows → CSV text (csv-stringify, RFC 4180 quoting, header line, `\n` line ends).
 * Columns: `columns` if given, else every key in first-seen order across rows. null, undefined
 * and NaN become empty cells; numbers are written with JavaScript's shortest round-trip form.
 */
export function rowsToCsv(rows: readonly ResultRow[], columns?: readonly string[]): string {
  const cols = columns ?? columnsOf(rows);
  const records = rows.map((r) =>
    cols.map((c) => {
      const v = r[c];
      return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
    }),
  );
  return stringify(records, { header: true, columns: [...cols], record_delimiter: '\n' });
}

/** Every key in first-seen order across rows. */
export function columnsOf(rows: readonly ResultRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
