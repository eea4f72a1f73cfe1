import type { Cell, ResultRow } from './result-row.ts';

/**
 * CSV text (RFC 4180: quoted fields, doubled quotes, CR LF or LF line ends, header line) →
 * rows. An empty cell is null; a cell that is a finite decimal number becomes a number, except
 * in `textColumns` (hashes such as `git_hash` and `run` stay text even when all digits).
 * The inverse of `rowsToCsv` for the values it writes. `source` names the file in errors.
 */
export function parseCsv(text: string, opts: { source?: string; textColumns?: readonly string[] } = {}): ResultRow[] {
  const records: string[][] = [];
  let field = '',
    record: string[] = [],
    i = 0,
    quoted = false;
  const src = opts.source ?? 'CSV';
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
      continue;
    }
    if (ch === ',') {
      record.push(field);
      field = '';
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      record.push(field);
      records.push(record);
      field = '';
      record = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    i++;
  }
  if (quoted) throw new Error(`${src}: unterminated quoted field at the end of the file`);
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) return [];
  const text_ = new Set(opts.textColumns ?? []);
  return body.map((r, line) => {
    if (r.length !== header.length)
      throw new Error(`${src}: line ${line + 2} has ${r.length} fields, the header has ${header.length}`);
    const row: ResultRow = {};
    header.forEach((col, k) => {
      const v = r[k];
      let cell: Cell = v;
      if (v === '') cell = null;
      else if (!text_.has(col) && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) cell = Number(v);
      row[col] = cell;
    });
    return row;
  });
}
