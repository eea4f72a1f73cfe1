import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type KdModel } from '@kd/models';
import type { SegSweepConfig } from '@kd/distill';
import { segDataRoot, segLoaders } from '@kd/distill';
import type { StoredRun } from '@kd/sweep';
import { denormalize, renderGrid, type GridCell } from './image-grid.ts';
import { runDir, runLabel, studentDir, teacherDirOf } from './pick-runs.ts';
import { colorizeLabels, errorMap, segLegend } from './seg-palette.ts';

/**
 * Segmentation qualitative grid over `nImages` val images, one row per model: the first row holds
 * each image and its ground truth, then the teacher and each run's student with, per image, the
 * prediction and its error map (red = wrong, grey = ignore). Two columns per image keep the width
 * independent of the number of runs (capped at 1800 px); a colour key of the classes sits below.
 */
export async function segGrid(
  file: string,
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  dataRoot: string,
  nImages: number,
): Promise<void> {
  const students = runs.filter((r) => fs.existsSync(path.join(studentDir(outDir, experiment, r), 'model.json')));
  const anyRun = runDir(outDir, experiment, students[0] ?? runs[0]);
  const cfg = JSON.parse(fs.readFileSync(path.join(anyRun, 'config.json'), 'utf8')).config as SegSweepConfig;
  const models: [string, KdModel][] = [];
  const teacherDir = teacherDirOf(outDir, experiment, runs);
  if (teacherDir) models.push(['teacher', await loadModel(teacherDir)]);
  for (const r of students) models.push([runLabel(r), await loadModel(studentDir(outDir, experiment, r))]);
  if (!models.length) throw new Error(`${experiment}: no saved students or teacher under ${outDir}`);
  const norm = models[0][1].normalization;
  const { val, train } = segLoaders({ ...cfg, batch: nImages, workers: 0 }, await segDataRoot(cfg, dataRoot), 1);
  const rows: GridCell[][] = [[], ...models.map((): GridCell[] => [])];
  try {
    for await (const b of val.batches({ epoch: 0, step: 0 }, 1)) {
      const x = tf.tensor4d(b.images, [b.size, b.height, b.width, 3]);
      const preds = models.map(([, m]) => {
        m.eval();
        return tf.tidy(() => tf.argMax(m.forward(x)[0], 3)).dataSync();
      });
      x.dispose();
      const hw = b.height * b.width,
        cell = (rgb: Uint8Array) => ({ rgb, width: b.width, height: b.height });
      for (let i = 0; i < b.size; i++) {
        const gt = b.labels!.subarray(i * hw, (i + 1) * hw);
        rows[0].push(
          cell(denormalize(b.images.subarray(i * hw * 3, (i + 1) * hw * 3), norm.mean, norm.std)),
          cell(colorizeLabels(gt)),
        );
        preds.forEach((p, m) => {
          const pi = p.subarray(i * hw, (i + 1) * hw);
          rows[m + 1].push(cell(colorizeLabels(pi)), cell(errorMap(pi, gt)));
        });
      }
      break;
    }
  } finally {
    await val.close();
    await train.close();
    for (const [, m] of models) m.dispose();
  }
  const images = rows[0].length / 2;
  const columns = Array.from({ length: images }, (_, i) => [
    `#${i + 1} image / prediction`,
    `#${i + 1} ground truth / errors`,
  ]).flat();
  await renderGrid(file, columns, rows, 256, 128, {
    rowLabels: ['image | ground truth', ...models.map(([n]) => n)],
    legend: segLegend(),
  });
}
