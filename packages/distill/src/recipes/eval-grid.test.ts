import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs, type RunContext } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { colorizeLabels, type Batch } from '@kd/data';
import { createModel } from '@kd/models';
import type { BatchSource } from '../trainer/step-source.ts';
import { evalGrid, recordEvalGrid } from './eval-grid.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);
const READER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../tools/reference/tensorboard/read_events.py',
);
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'pass']).status === 0);

/** One batch of 3 segmentation images 32×32 whose pixels are exact in 8 bits after (v − mean)/std. */
function source(
  mean: readonly number[],
  std: readonly number[],
): { loader: BatchSource; pixels: Uint8Array; labels: Uint8Array } {
  const rng = new Rng(7);
  const pixels = Uint8Array.from({ length: 3 * 32 * 32 * 3 }, () => rng.int(0, 255));
  const labels = Uint8Array.from({ length: 3 * 32 * 32 }, () => rng.int(0, 18));
  const images = Float32Array.from(pixels, (v, i) => (v - mean[i % 3]) / std[i % 3]);
  const loader: BatchSource = {
    stepsPerEpoch: 1,
    async *batches() {
      yield {
        epoch: 0,
        step: 0,
        size: 3,
        height: 32,
        width: 32,
        names: ['a', 'b', 'c'],
        images,
        labels,
        skipped: [],
      } as Batch;
    },
  };
  return { loader, pixels, labels };
}

describe('evaluation grid', () => {
  it('rows of image | ground truth | prediction; the image round-trips the normalisation, the truth is the Cityscapes colours', async () => {
    await useBackend('cpu');
    const model = createModel('fcn-mbv2-os16', { rng: new Rng(1), numClasses: 19, width: 0.25 });
    const { loader, pixels, labels } = source(model.normalization.mean, model.normalization.std);
    const g = await evalGrid(model, loader, 'seg', 2);
    expect([g.width, g.height, g.rgb.length]).toEqual([96, 64, 96 * 64 * 3]);
    const cell = (row: number, col: number) => {
      const out = new Uint8Array(32 * 32 * 3);
      for (let y = 0; y < 32; y++)
        out.set(
          g.rgb.subarray(((row * 32 + y) * 96 + col * 32) * 3, ((row * 32 + y) * 96 + col * 32 + 32) * 3),
          y * 32 * 3,
        );
      return out;
    };
    const px = 32 * 32;
    expect(Array.from(cell(1, 0))).toEqual(Array.from(pixels.subarray(px * 3, 2 * px * 3)));
    expect(Array.from(cell(1, 1))).toEqual(Array.from(colorizeLabels(labels.subarray(px, 2 * px))));
    if (PYTHON) {
      const run = { runDir: temp.make('kdlab-grid-') } as RunContext;
      await recordEvalGrid(run, 'student', 7, model, loader, 'seg');
      const dir = path.join(run.runDir, 'tensorboard', 'student');
      const [file] = fs.readdirSync(dir);
      const r = spawnSync(PYTHON, [READER, path.join(dir, file)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const img = (
        JSON.parse(r.stdout) as {
          step: number;
          summary?: { tag: string; image?: { height: number; width: number } }[];
        }[]
      ).find((e) => e.summary?.[0]?.image)!;
      expect([img.step, img.summary![0].tag, img.summary![0].image!.height, img.summary![0].image!.width]).toEqual([
        7,
        'eval/grid',
        96,
        96,
      ]);
    }
    model.dispose();
  });
});
