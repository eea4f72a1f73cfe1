import type { Cell, ResultRow } from './result-row.ts';

export interface MarkdownColumn {
  /** Row key. For a metric aggregated by `aggregateSeeds`, `<key>_std` is shown as ±std. */
  key: string;
  /** Header text (default: the key). */
  label?: string;
  /** Fixed decimals for numbers (default: as written). */
  digits?: number;
  /** Right-align (default: true for numbers, judged from the first non-null cell). */
  align?: 'left' | 'right';
}

/**
 * Renders rows as a GitHub Markdown table. A numeric cell whose row also has `<key>_std` (a
 * number) is written `mean ± std` with the same decimals, except that a value identical over
 * seeds (std exactly 0: params, MACs) is written once; null/NaN cells are `–`; `|` in text is
 * escaped. Columns are given explicitly so READMEs show a chosen subset in a chosen order.
 */
export function toMarkdown(rows: readonly ResultRow[], columns: readonly MarkdownColumn[]): string {
  const fmt = (v: Cell | undefined, digits?: number): string => {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '–';
    if (typeof v === 'number') return digits === undefined ? String(v) : v.toFixed(digits);
    return String(v).replace(/\|/g, '\\|');
  };
  const header = columns.map((c) => c.label ?? c.key);
  const rightAligned = columns.map((c) =>
    c.align
      ? c.align === 'right'
      : typeof rows.find((r) => r[c.key] !== null && r[c.key] !== undefined)?.[c.key] === 'number',
  );
  const body = rows.map((r) =>
    columns.map((c) => {
      const v = r[c.key];
      const std = r[`${c.key}_std`];
      const main = fmt(v, c.digits);
      return typeof v === 'number' && typeof std === 'number' && std !== 0 ? `${main} ± ${fmt(std, c.digits)}` : main;
    }),
  );
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const rule = rightAligned.map((r) => (r ? '---:' : ':---'));
  return [line(header), line(rule), ...body.map(line)].join('\n') + '\n';
}
