import type { Cell, ResultRow } from './result-row.ts';

/** A table in a paper's layout: lead columns, then per group (a benchmark) one cell "a/b/c" of its metrics. */
export interface GroupedTable {
  title: string;
  /** Row columns shown as they are (e.g. `variant`, `params`). */
  lead: { key: string; label?: string; digits?: number }[];
  /** One column per group, headed `<label> <metric labels joined by />`. */
  groups: { label: string; keys: string[] }[];
  /** Header names of the group's metrics (same length as each group's keys), e.g. ['M', 'F', 'E']. */
  metricLabels: string[];
  /** Decimals in the group cells (default 3); a leading `0.` is kept. */
  digits?: number;
  /** Drop groups whose cells are all empty (benchmarks that were not found). Default true. */
  hideEmpty?: boolean;
}

/**
 * Renders rows in the compact layout of the SOD papers' tables (METHODS §1.5: `| model | params |
 * DUTS-TE M/F/E | ECSSD | …`): a group cell joins its metrics with `/`, a missing value is `–`.
 */
export function groupedMarkdown(rows: readonly ResultRow[], t: GroupedTable): string {
  const num = (v: Cell | undefined, d: number) =>
    typeof v === 'number' ? (Number.isFinite(v) ? v.toFixed(d) : '–') : v === undefined || v === null ? '–' : String(v);
  const present = (g: GroupedTable['groups'][number]) =>
    rows.some((r) => g.keys.some((k) => typeof r[k] === 'number' && Number.isFinite(r[k])));
  const groups = t.hideEmpty === false ? t.groups : t.groups.filter(present);
  const metrics = t.metricLabels.join('/');
  const header = [...t.lead.map((c) => c.label ?? c.key), ...groups.map((g) => `${g.label} ${metrics}`)];
  const body = rows.map((r) => [
    ...t.lead.map((c) => {
      const v = r[c.key];
      return typeof v === 'number' && c.digits !== undefined ? v.toFixed(c.digits) : num(v, c.digits ?? 4);
    }),
    ...groups.map((g) => g.keys.map((k) => num(r[k], t.digits ?? 3)).join('/')),
  ]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = header.map((_, i) => (i < t.lead.length ? ':---' : '---:'));
  return [`### ${t.title}`, '', line(header), `| ${rule.join(' | ')} |`, ...body.map(line), ''].join('\n');
}
