import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.ts';

/** True when git ignores `rel` (a path relative to the repo root; it need not exist). */
const ignored = (rel: string) => spawnSync('git', ['check-ignore', '-q', rel], { cwd: REPO_ROOT }).status === 0;

describe('default `pnpm exp run` outputs never show up as untracked files', () => {
  it('tables, run folders and reports at the default --out are git-ignored; committed tables are not', () => {
    for (const p of [
      'experiments/results/quickstart.csv',
      'experiments/results/ablation-bcd.md',
      'experiments/results/ablation-bcd.raw.csv',
      'experiments/results/runs/quickstart-seed1/log.jsonl',
      'experiments/results/report/ablation-bcd/curves.png',
    ])
      expect(ignored(p), p).toBe(true);
    for (const p of [
      'experiments/results/quick-wasm-simd-1t/table-sod.md',
      'experiments/results/quick-wasm-simd-1t/table-sod.csv',
      'experiments/results/quick-wasm-simd-1t/report/ablation-bcd/curves.png',
    ])
      expect(ignored(p), p).toBe(false);
  });
});
