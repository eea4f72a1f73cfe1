import { describe, expect, it } from 'vitest';
import { sectionMarkdown, type ProfileSection } from './profile.ts';

describe('bench profile Markdown', () => {
  it('puts the top tfjs kernels beside the top torch ops, with shares and an "other" row', () => {
    const s: ProfileSection = {
      model: 'csnet-l-x1',
      task: 'infer_bN',
      batch: 8,
      tfjs: {
        total_ms: 110,
        kernel_ms: 100,
        runs: 2,
        kernels: [
          { kernel: 'FusedConv2D', calls: 88, ms: 60 },
          { kernel: 'Prelu', calls: 34, ms: 30 },
          { kernel: 'Add', calls: 35, ms: 10 },
        ],
      },
      torch: {
        total_ms: 80,
        ops: [
          { op: 'aten::mkldnn_convolution', calls: 91, self_ms: 40 },
          { op: 'aten::prelu', calls: 106, self_ms: 40 },
        ],
      },
    };
    expect(sectionMarkdown(s, 2).split('\n')).toEqual([
      '### csnet-l-x1 — inference b8',
      '',
      'tfjs 110 ms per run (kernels 100 ms, overhead 10.0 ms, 157 kernel calls); torch 80.0 ms per run (profiler on)',
      '',
      '| # | tfjs kernel | calls | ms | share | torch op (self) | calls | ms | share |',
      '|---|---|---|---|---|---|---|---|---|',
      '| 1 | FusedConv2D | 88.0 | 60.0 | 60.0 % | aten::mkldnn_convolution | 91.0 | 40.0 | 50.0 % |',
      '| 2 | Prelu | 34.0 | 30.0 | 30.0 % | aten::prelu | 106 | 40.0 | 50.0 % |',
      '| | (other 1 kernels) | | 10.0 | 10.0 % | (other 0 ops) | | 0.00 | 0.0 % |',
    ]);
  });
});
