import { describe, expect, it } from 'vitest';
import { groupedMarkdown } from './grouped-markdown.ts';

describe('groupedMarkdown (a paper table: one "M/F/E" cell per benchmark)', () => {
  it('joins each group into one cell, shows – for a missing value and drops benchmarks nobody has', () => {
    const rows = [
      { variant: 'CSNet ×1', params: 93647, A_M: 0.0412, A_F: 0.8491, B_M: 0.1, B_F: null, C_M: null, C_F: null },
      { variant: 'CSNet ×2', params: 140894, A_M: 0.035, A_F: 0.86, B_M: NaN, B_F: 0.7, C_M: null, C_F: null },
    ];
    const md = groupedMarkdown(rows, {
      title: 'SalMetric',
      lead: [
        { key: 'variant', label: 'model' },
        { key: 'params', digits: 0 },
      ],
      groups: ['A', 'B', 'C'].map((b) => ({ label: b, keys: [`${b}_M`, `${b}_F`] })),
      metricLabels: ['M', 'F'],
    });
    expect(md).toBe(
      [
        '### SalMetric',
        '',
        '| model | params | A M/F | B M/F |',
        '| :--- | :--- | ---: | ---: |',
        '| CSNet ×1 | 93647 | 0.041/0.849 | 0.100/– |',
        '| CSNet ×2 | 140894 | 0.035/0.860 | –/0.700 |',
        '',
      ].join('\n'),
    );
  });
});
