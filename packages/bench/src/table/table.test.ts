import { describe, expect, it } from 'vitest';
import { rowsToCsv } from './csv.ts';
import { parseCsv } from './read-csv.ts';
import { aggregateSeeds, meanStd, withPaperColumn } from './aggregate-seeds.ts';
import { toMarkdown } from './markdown.ts';
import { withRunColumns, type ResultRow } from './result-row.ts';

const runs: ResultRow[] = [
  { method: 'kd', dataset: 'ECSSD', seed: 1, MAE: 0.05, maxF: 0.9 },
  { method: 'kd', dataset: 'ECSSD', seed: 2, MAE: 0.07, maxF: 0.88 },
  { method: 'kd', dataset: 'ECSSD', seed: 3, MAE: 0.06, maxF: NaN },
  { method: 'fs', dataset: 'ECSSD', seed: 1, MAE: 0.08, maxF: 0.85 },
];

describe('tables', () => {
  it('withRunColumns puts seed, backend, threads, git hash first', () => {
    const r = withRunColumns(
      { MAE: 0.1 },
      { seed: 3, backend: { label: 'wasm-simd-2t', threads: 2 }, gitHash: 'abc123' },
    );
    expect(Object.keys(r)).toEqual(['seed', 'backend', 'threads', 'git_hash', 'MAE']);
    expect(r).toEqual({ seed: 3, backend: 'wasm-simd-2t', threads: 2, git_hash: 'abc123', MAE: 0.1 });
  });

  it('rowsToCsv: header from first-seen keys, empty cells for null/NaN, quoting', () => {
    const csv = rowsToCsv([
      { a: 1, b: 'x,y' },
      { a: null, c: NaN },
      { a: 'say "hi"', b: 0.1 + 0.2 },
    ]);
    expect(csv).toBe('a,b,c\n1,"x,y",\n,,\n"say ""hi""",0.30000000000000004,\n');
  });

  it('meanStd: sample std (n − 1)', () => {
    // mean 0.06; deviations ±0.01, 0 → ss = 2e-4 → var 1e-4 → std 0.01
    const { mean, std } = meanStd([0.05, 0.07, 0.06]);
    expect(mean).toBeCloseTo(0.06, 15);
    expect(std).toBeCloseTo(0.01, 15);
    expect(meanStd([4])).toEqual({ mean: 4, std: null });
    expect(meanStd([])).toEqual({ mean: null, std: null });
  });

  it('aggregateSeeds groups rows, skips NaN, lists seeds', () => {
    const agg = aggregateSeeds(runs, { groupBy: ['method', 'dataset'], metrics: ['MAE', 'maxF'] });
    expect(agg.length).toBe(2);
    expect(agg[0].method).toBe('kd');
    expect(agg[0].seeds).toBe('1;2;3');
    expect(agg[0].MAE as number).toBeCloseTo(0.06, 15);
    expect(agg[0].MAE_std as number).toBeCloseTo(0.01, 15);
    expect(agg[0].maxF as number).toBeCloseTo(0.89, 15);
    expect(agg[0].maxF_std as number).toBeCloseTo(Math.sqrt(2e-4), 15);
    expect(agg[0].maxF_n).toBe(2);
    expect(agg[1]).toMatchObject({ method: 'fs', MAE: 0.08, MAE_std: null, MAE_n: 1 });
  });

  it('Markdown: mean ± std with fixed digits, paper column, – for missing', () => {
    const agg = aggregateSeeds(runs, { groupBy: ['method'], metrics: ['MAE'] });
    const rows = withPaperColumn(agg, 'MAE', { kd: 0.035 }, (r) => String(r.method));
    const md = toMarkdown(rows, [
      { key: 'method', label: 'Method' },
      { key: 'MAE', digits: 3 },
      { key: 'paper_MAE', label: 'MAE (paper)', digits: 3 },
    ]);
    expect(md).toBe(
      '| Method | MAE | MAE (paper) |\n' +
        '| :--- | ---: | ---: |\n' +
        '| kd | 0.060 ± 0.010 | 0.035 |\n' +
        '| fs | 0.080 | – |\n',
    );
    // A column identical over seeds (params) is written once, not as "± 0".
    expect(toMarkdown([{ params: 788298, params_std: 0 }], [{ key: 'params', digits: 0 }])).toBe(
      '| params |\n| ---: |\n| 788298 |\n',
    );
  });
});

describe('parseCsv', () => {
  it('reads back what rowsToCsv writes, hashes staying text', () => {
    const rows = [
      { variant: 'a, "quoted"', seed: 1, mIoU: 0.25, git_hash: '1234567', error: null },
      { variant: 'b\nline', seed: 2, mIoU: -1.5e-7, git_hash: 'abc-dirty', error: 'x' },
    ];
    const back = parseCsv(rowsToCsv(rows), { textColumns: ['git_hash'] });
    expect(back).toEqual(rows);
  });
  it('names the file and line of a ragged row', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', { source: 't.csv' })).toThrow(
      't.csv: line 3 has 1 fields, the header has 2',
    );
  });
});
