import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type KdModel } from '@kd/models';
import { sodDataRoots, sodLoaders, type SodDataConfig } from '@kd/distill';
import type { StoredRun } from '@kd/sweep';
import { denormalize, renderGrid, type GridCell } from './image-grid.ts';
import { runDir, runLabel, studentDir, teacherDirOf } from './pick-runs.ts';

const gray = (v: ArrayLike<number>) => {
  const o = new Uint8Array(v.length * 3);
  for (let i = 0; i < v.length; i++) o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = Math.round(255 * v[i]);
  return o;
};
/** Disagreement heat-map |p − gt|: black where they agree, red → yellow as they disagree. */
const heat = (p: ArrayLike<number>, g: ArrayLike<number>) => {
  const o = new Uint8Array(p.length * 3);
  for (let i = 0; i < p.length; i++) {
    const d = Math.abs(p[i] - g[i]);
    o[3 * i] = Math.round(255 * Math.min(1, 2 * d));
    o[3 * i + 1] = Math.round(255 * Math.max(0, 2 * d - 1));
  }
  return o;
};

/**
 * SOD qualitative grid over `n` test images: image | ground truth | teacher | each run's student,
 * every saliency map followed by its disagreement heat-map |σ − gt|.
 */
export async function sodGrid(
  file: string,
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  dataRoot: string,
  n: number,
): Promise<void> {
  const withStudent = runs.filter((r) => fs.existsSync(path.join(studentDir(outDir, experiment, r), 'model.json')));
  const anyRun = runDir(outDir, experiment, withStudent[0] ?? runs[0]);
  const cfg = JSON.parse(fs.readFileSync(path.join(anyRun, 'config.json'), 'utf8')).config as SodDataConfig;
  const models: [string, KdModel][] = [];
  const teacherDir = teacherDirOf(outDir, experiment, runs);
  if (teacherDir) models.push(['teacher', await loadModel(teacherDir)]);
  for (const r of withStudent) models.push([runLabel(r), await loadModel(studentDir(outDir, experiment, r))]);
  if (!models.length) throw new Error(`${experiment}: no saved students or teacher under ${outDir}`);
  const norm = models[0][1].normalization;
  const test = sodLoaders({ ...cfg, batch: n, workers: 0 }, await sodDataRoots(cfg, dataRoot), 1, norm).test();
  const rows: GridCell[][] = [];
  try {
    for await (const b of test.batches({ epoch: 0, step: 0 }, 1)) {
      const x = tf.tensor4d(b.images, [b.size, b.height, b.width, 3]);
      const preds = models.map(([, m]) => {
        m.eval();
        return tf.tidy(() => tf.sigmoid(m.forward(x)[0])).dataSync();
      });
      x.dispose();
      const hw = b.height * b.width,
        cell = (rgb: Uint8Array) => ({ rgb, width: b.width, height: b.height });
      for (let i = 0; i < b.size; i++) {
        const gt = b.masks!.subarray(i * hw, (i + 1) * hw);
        const row = [
          cell(denormalize(b.images.subarray(i * hw * 3, (i + 1) * hw * 3), norm.mean, norm.std)),
          cell(gray(gt)),
        ];
        for (const p of preds) {
          const pi = p.subarray(i * hw, (i + 1) * hw);
          row.push(cell(gray(pi)), cell(heat(pi, gt)));
        }
        rows.push(row);
      }
      break;
    }
  } finally {
    await test.close();
    for (const [, m] of models) m.dispose();
  }
  await renderGrid(file, ['image', 'ground truth', ...models.flatMap(([l]) => [l, `${l}: |σ − gt|`])], rows, 200, 200);
}
