import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDirs } from '@kd/core';
import { writeGrayPng } from '@kd/data';
import { REPO_ROOT } from '../../paths.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

describe('pnpm exp eval sod --convention toolbox', () => {
  it('scores with the KD-SCFNet toolbox (MAE, max/mean F, S, adaptive E; PySOD-only keys null)', async () => {
    const root = temp.make('kdlab-eval-sod-');
    const gt = Uint8Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 255 : 0)); // left half salient
    for (const d of ['pred', 'gt']) fs.mkdirSync(path.join(root, d));
    await writeGrayPng(path.join(root, 'gt', 'a.png'), gt, 4, 4);
    await writeGrayPng(
      path.join(root, 'pred', 'a.png'),
      gt.map((v) => (v ? 200 : 40)),
      4,
      4,
    ); // min–max → the gt
    const r = spawnSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [
        path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts'),
        'eval',
        'sod',
        '--pred',
        path.join(root, 'pred'),
        '--gt',
        path.join(root, 'gt'),
        '--convention',
        'toolbox',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr.slice(-1000) + r.status).toMatch(/0$/);
    const out = JSON.parse(r.stdout);
    const f0 = (1.3 * 0.5) / (0.3 * 0.5 + 1); // th = 0 takes every pixel: P = 0.5, R = 1
    expect(out.convention).toBe('toolbox');
    expect(out.MAE).toBe(0);
    expect(out.maxFm).toBeCloseTo(1, 6);
    expect(out.meanFm).toBeCloseTo((f0 + 255) / 256, 6);
    expect(out.Smeasure).toBeCloseTo(1, 6);
    expect(out.adpEm).toBeCloseTo(16 / 15, 6);
    expect([out.wFmeasure, out.adpFm, out.meanEm, out.maxEm, out.num_images]).toEqual([null, null, null, null, 1]);
  }, 150_000);
});
