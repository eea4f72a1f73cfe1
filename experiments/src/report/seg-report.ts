import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type KdModel } from '@kd/models';
import type { SegSweepConfig } from '../seg/seg-run.ts';
import { segDataRoot, segLoaders } from '../seg/seg-setup.ts';
import { readFinishedRuns, runDirOf } from '../sweep/run-store.ts';
import type { SweepExperiment } from '../sweep/sweep-experiment.ts';
import { denormalize, renderGrid, type GridCell } from './image-grid.ts';
import { colorizeLabels, errorMap } from './seg-palette.ts';
import { lineChartSvg, smooth, type Series } from './svg-chart.ts';

/**
 * A Markdown + PNG report for a segmentation sweep in `<out>/report/<name>/`: the table, the
 * student training-loss curves (first seed of each variant), and a qualitative grid of `nImages`
 * val images: image | ground truth | teacher | each variant's prediction, with an error map
 * (red = wrong) beside every prediction.
 */
export async function segReport(exp: SweepExperiment, outDir: string, dataRoot: string, nImages: number): Promise<string> {
  const finished = [...readFinishedRuns(outDir, exp.name).values()].filter((r) => r.status === 'ok').sort((a, b) => a.seed - b.seed);
  const firstOf = new Map<string, (typeof finished)[number]>();
  for (const r of finished) if (!firstOf.has(`${r.variant}|${JSON.stringify(r.point)}`)) firstOf.set(`${r.variant}|${JSON.stringify(r.point)}`, r);
  const picked = [...firstOf.values()];
  if (!picked.length) throw new Error(`${exp.name}: no finished runs under ${outDir}; run the sweep first`);
  const dir = path.join(outDir, 'report', exp.name);
  fs.mkdirSync(dir, { recursive: true });
  const label = (r: (typeof picked)[number]) => `${r.variant}${Object.keys(r.point).length ? ` ${Object.values(r.point).join(',')}` : ''}`;

  const series: Series[] = [];
  for (const r of picked) {
    const log = path.join(runDirOf(outDir, exp.name, r.hash), 'log.jsonl');
    if (!fs.existsSync(log)) continue;
    const pts = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.phase === 'student' && Number.isFinite(e.loss)).map((e) => [e.step, e.loss] as [number, number]);
    if (pts.length) series.push({ label: label(r), points: smooth(pts, 5) });
  }
  await sharp(Buffer.from(lineChartSvg(`${exp.name}: student training loss (5-step average)`, series, { xLabel: 'step', yLabel: 'loss (CE + distillation)' }))).png().toFile(path.join(dir, 'curves.png'));

  const students = picked.filter((r) => fs.existsSync(path.join(runDirOf(outDir, exp.name, r.hash), 'student', 'model.json')));
  const anyRun = runDirOf(outDir, exp.name, (students[0] ?? picked[0]).hash);
  const cfg = JSON.parse(fs.readFileSync(path.join(anyRun, 'config.json'), 'utf8')).config as SegSweepConfig;
  const key = fs.readFileSync(path.join(anyRun, 'teacher-key.txt'), 'utf8').trim();
  const teacher = await loadModel(path.join(outDir, 'cache', 'teachers', key, 'model'));
  const models: [string, KdModel][] = [['teacher', teacher]];
  for (const r of students) models.push([label(r), await loadModel(path.join(runDirOf(outDir, exp.name, r.hash), 'student'))]);
  const { val, train } = segLoaders({ ...cfg, batch: nImages, workers: 0 }, await segDataRoot(cfg, dataRoot), 1);
  const rows: GridCell[][] = [];
  try {
    for await (const b of val.batches({ epoch: 0, step: 0 }, 1)) {
      const x = tf.tensor4d(b.images, [b.size, b.height, b.width, 3]);
      const preds = models.map(([, m]) => { m.eval(); return tf.tidy(() => tf.argMax(m.forward(x)[0], 3)).dataSync(); });
      x.dispose();
      const hw = b.height * b.width, cell = (rgb: Uint8Array) => ({ rgb, width: b.width, height: b.height });
      for (let i = 0; i < b.size; i++) {
        const gt = b.labels!.subarray(i * hw, (i + 1) * hw);
        const row = [cell(denormalize(b.images.subarray(i * hw * 3, (i + 1) * hw * 3), teacher.normalization.mean, teacher.normalization.std)), cell(colorizeLabels(gt))];
        for (const p of preds) {
          const pi = p.subarray(i * hw, (i + 1) * hw);
          row.push(cell(colorizeLabels(pi)), cell(errorMap(pi, gt)));
        }
        rows.push(row);
      }
      break;
    }
  } finally {
    await val.close();
    await train.close();
    for (const [, m] of models) m.dispose();
  }
  const columns = ['image', 'ground truth', ...models.flatMap(([n]) => [n, `${n}: errors`])];
  await renderGrid(path.join(dir, 'grid.png'), columns, rows, 256, 128);
  const table = fs.existsSync(path.join(outDir, `${exp.name}.md`)) ? fs.readFileSync(path.join(outDir, `${exp.name}.md`), 'utf8') : '';
  const md = [table, '## Training curves', '', '![student training loss](curves.png)', '', '## Qualitative results (val)', '',
    'Each prediction is followed by its error map: red = wrong class, grey = ignore, dark = correct.', '', '![qualitative grid](grid.png)', ''].join('\n');
  fs.writeFileSync(path.join(dir, 'README.md'), md);
  return dir;
}
