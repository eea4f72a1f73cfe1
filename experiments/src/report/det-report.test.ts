import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '@kd/core';
import { loadDetSplit, resizeSample } from '@kd/data';
import { gaussianForegroundMask } from '@kd/losses';
import { useBackend } from '@kd/runtime';
import { REPO_ROOT } from '../paths.ts';
import { hotColor } from './heat-map.ts';

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts');
const exp = (args: string[]) => {
  const r = spawnSync(TSX, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KD_BACKEND: 'wasm' },
    timeout: 280_000,
  });
  return { code: r.status, stderr: r.stderr };
};

/** renderGrid's layout: label column (7 px a character + 12, ≤ 240), cells + 4-px gaps, 22-px header, 20-px legend lines. */
const gridSize = (labels: string[], cols: number, rows: number, cell: number, legendLines = 1) => ({
  width: Math.min(240, 7 * Math.max(...labels.map((l) => l.length)) + 12) + cols * (cell + 4) + 4,
  height: 22 + rows * (cell + 4) + 4 + legendLines * 20 + 8,
});

beforeAll(async () => {
  await useBackend('cpu');
});

describe('pnpm exp report ablation-fsd: boxes grid and FSD masks', () => {
  it('a tiny finished sweep (64², 4 steps a model) gets grid.png and fsd-masks.png of the expected size', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-det-report-'));
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-det-report-data-'));
    const tiny = ['twin=fall2', 'size=64', 'n_train=16', 'batch=4', 'teacher_epochs=1', 'student_epochs=1'].flatMap(
      (s) => ['--set', s],
    );
    const run = exp([
      'run',
      'ablation-fsd',
      '--jobs',
      '1',
      '--seeds',
      '1',
      '--quiet',
      '--out',
      out,
      '--data-root',
      data,
      ...tiny,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const rep = exp(['report', 'ablation-fsd', '--out', out, '--data-root', data, '--images', '2']);
    expect(rep.code, rep.stderr).toBe(0);

    const dir = path.join(out, 'report', 'ablation-fsd');
    const md = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(md).toContain('![qualitative grid](grid.png)');
    expect(md).toContain('![FSD masks](fsd-masks.png)');
    expect(md).toMatch(/score ≥ 0\.3 after class-aware NMS/);

    // Grid: 2 test images × (image | ground truth | teacher | no-KD | FSD full), 256² cells, one legend line.
    const root = path.join(data, 'synthetic-coco-det-64-n16');
    const test = await loadDetSplit('coco-det', root, 'val2017', { limit: 2 });
    const grid = await sharp(path.join(dir, 'grid.png')).metadata();
    expect({ width: grid.width, height: grid.height }).toEqual(
      gridSize(
        test.samples.map((s) => s.name),
        5,
        2,
        256,
      ),
    );

    // Masks: rows p3/p4/p5, 5 columns of 256²; classes + heat key fit on one legend line.
    const labels = ['p3 · stride 8 · 8×8', 'p4 · stride 16 · 4×4', 'p5 · stride 32 · 2×2'];
    const masks = sharp(path.join(dir, 'fsd-masks.png'));
    const meta = await masks.metadata();
    const size = gridSize(labels, 5, 3, 256);
    expect({ width: meta.width, height: meta.height }).toEqual(size);
    expect(md).toMatch(/training image (\S+) at p3\/p4\/p5/);

    // The p3 fg (intended) panel in the PNG is the heat-map of gaussianForegroundMask at 8×8 of that image.
    const name = md.match(/training image (\S+) at p3/)![1];
    const train = await loadDetSplit('coco-det', root, 'train2017', { limit: 8 });
    const s = resizeSample(
      train.samples.find((x) => x.name === name)!,
      64,
      64,
    );
    const boxes = (s.objects ?? []).map((o): Box => [o.x1, o.y1, o.x2, o.y2]);
    const fg = tf.tidy(() => gaussianForegroundMask([boxes], { imageSize: [64, 64], featureSize: [8, 8] }).dataSync());
    const max = Math.max(...fg);
    const px = await masks.removeAlpha().raw().toBuffer();
    const labelW = size.width - 5 * 260 - 4;
    for (let r = 0; r < 8; r++)
      for (let c = 0; c < 8; c++) {
        const x = labelW + 4 + 260 + c * 32 + 16,
          y = 22 + 4 + r * 32 + 16; // the centre of cell (r, c) of row p3, column fg (intended)
        const at = 3 * (y * size.width + x);
        expect([px[at], px[at + 1], px[at + 2]]).toEqual([...hotColor(fg[r * 8 + c] / max)]);
      }
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  }, 300_000);
});
