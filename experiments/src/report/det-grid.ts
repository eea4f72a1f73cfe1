import { loadDetSplit, resizeSample, type Sample } from '@kd/data';
import { makeDetBatch } from '@kd/distill';
import { isTask, loadModel, type DetectionModel } from '@kd/models';
import type { StoredRun } from '@kd/sweep';
import { detLegend, drawBoxes, scaleBoxes, type ClassBox } from './det-boxes.ts';
import { pickDetRuns } from './det-runs.ts';
import { renderGrid, type GridCell } from './image-grid.ts';
import { studentDir } from './pick-runs.ts';
import { resizeRgb } from './upsample-nearest.ts';

/** Predicted boxes drawn when σ(obj)·max_k σ(cls_k) ≥ this (after class-aware NMS at IoU 0.65). */
export const DET_GRID_SCORE = 0.3;

/** Side of one grid cell in pixels: images are resized to it before boxes are drawn (2-px lines). */
export const DET_CELL = 256;

/** One cell: `sample` (already at the network input size S×S) resized to DET_CELL², with `boxes` (S-pixels). */
export function boxesCell(sample: Sample, boxes: readonly ClassBox[], cell = DET_CELL): GridCell {
  const rgb = resizeRgb(sample.image, sample.width, sample.height, cell, cell);
  drawBoxes(rgb, cell, cell, scaleBoxes(boxes, cell / sample.width, cell / sample.height));
  return { rgb, width: cell, height: cell };
}

async function loadDetector(dir: string, what: string): Promise<DetectionModel> {
  const m = await loadModel(dir);
  if (isTask(m, 'det')) return m;
  m.dispose();
  throw new Error(`det grid: ${what} in ${dir} is a ${m.task} model, not a detector`);
}

/**
 * Detection qualitative grid over the first `n` test images (each resized to the runs' input
 * size S×S, as evaluation does): image | ground truth | teacher | no-KD student | full-FSD student,
 * boxes as 2-px rectangles in their class colour (predictions with score ≥ DET_GRID_SCORE), a
 * class legend and the threshold under the grid. Models are the saved exports of `runs` (one per
 * row, first seed: `firstSeedRuns`) and the stored teacher; a missing one drops its column.
 */
export async function detGrid(
  file: string,
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  dataRoot: string,
  n: number,
): Promise<{ columns: string[]; rows: number }> {
  const picked = pickDetRuns(outDir, experiment, runs, dataRoot);
  const S = picked.cfg.size;
  const test = await loadDetSplit(picked.kind, picked.dataDir, picked.splits[1], { limit: n });
  if (!test.samples.length) throw new Error(`${experiment}: test split of ${picked.dataDir} is empty`);
  const samples = test.samples.map((s) => resizeSample(s, S, S));
  const models: [string, DetectionModel][] = [];
  try {
    if (picked.teacherDir) models.push(['teacher', await loadDetector(picked.teacherDir, 'teacher')]);
    if (picked.noKd)
      models.push(['no-KD student', await loadDetector(studentDir(outDir, experiment, picked.noKd), 'no KD')]);
    if (picked.full)
      models.push(['FSD (full) student', await loadDetector(studentDir(outDir, experiment, picked.full), 'FSD full')]);
    const found = models.map(([, m]) => {
      const batch = makeDetBatch(samples, m.normalization);
      try {
        return m.detect(batch.x, { scoreThreshold: DET_GRID_SCORE });
      } finally {
        batch.x.dispose();
      }
    });
    const rows: GridCell[][] = samples.map((s, i) => [
      boxesCell(s, []),
      boxesCell(s, s.objects ?? []),
      ...found.map((f) => boxesCell(s, f[i])),
    ]);
    const columns = ['image', 'ground truth', ...models.map(([l]) => l)];
    await renderGrid(file, columns, rows, DET_CELL, DET_CELL, {
      rowLabels: test.samples.map((s) => s.name),
      legend: [
        ...detLegend(test.classes),
        {
          rgb: [255, 255, 255],
          label: `predictions: score ≥ ${DET_GRID_SCORE}, class-aware NMS IoU 0.65; input ${S}²`,
        },
      ],
    });
    return { columns, rows: rows.length };
  } finally {
    for (const [, m] of models) m.dispose();
  }
}
