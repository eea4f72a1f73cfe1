import fs from 'node:fs';
import path from 'node:path';
import type { StoredRun, SweepExperiment } from '@kd/sweep';
import { renderCurves } from './curves.ts';
import { DET_GRID_SCORE, detGrid } from './det-grid.ts';
import { fsdMasksFigure } from './fsd-masks.ts';
import { firstSeedRuns } from './pick-runs.ts';
import { segGrid } from './seg-grid.ts';
import { sodGrid } from './sod-grid.ts';

/** Which qualitative grid a sweep gets (by the task its runs train). */
export const GRIDS: Record<string, 'seg' | 'sod' | 'det'> = {
  'ablation-bcd': 'seg',
  'ablation-ka': 'seg',
  'kd-zoo': 'seg',
  'table-sod': 'sod',
  'csnet-dwd': 'sod',
  'ablation-fsd': 'det',
};

/**
 * A Markdown + PNG report in `<out>/report/<name>/`: the sweep's table, training curves (task
 * loss, each distillation term, the first metric per evaluation; first seed of every row) and a
 * qualitative grid of `nImages` test images with error / disagreement maps beside every
 * prediction. Returns the folder.
 */
export async function writeReport(
  exp: SweepExperiment,
  outDir: string,
  dataRoot: string,
  nImages: number,
): Promise<string> {
  const runs = firstSeedRuns(
    outDir,
    exp.name,
    exp.variants.map((v) => v.label),
  );
  if (!runs.length) throw new Error(`${exp.name}: no finished runs under ${outDir}; run the sweep first`);
  const dir = path.join(outDir, 'report', exp.name);
  fs.mkdirSync(dir, { recursive: true });
  const sections = [
    fs.existsSync(path.join(outDir, `${exp.name}.md`))
      ? fs.readFileSync(path.join(outDir, `${exp.name}.md`), 'utf8')
      : `# ${exp.name}\n`,
  ];
  if (await renderCurves(path.join(dir, 'curves.png'), outDir, exp.name, runs, exp.metrics[0])) {
    sections.push(
      '## Training curves',
      '',
      `Task loss, each distillation term (weighted) and ${exp.metrics[0]} per evaluation, first seed of every row.`,
      '',
      '![student training loss](curves.png)',
      '',
    );
  }
  const grid = GRIDS[exp.name];
  if (grid === 'det') sections.push(...(await detSections(dir, outDir, exp.name, runs, dataRoot, nImages)));
  else if (grid) {
    await (grid === 'seg' ? segGrid : sodGrid)(path.join(dir, 'grid.png'), outDir, exp.name, runs, dataRoot, nImages);
    sections.push(
      '## Qualitative results (test split)',
      '',
      grid === 'seg'
        ? 'One row per model (first row: each image and its ground truth); per image, the prediction then its error map (red = wrong class, grey = ignore, dark = correct). Class colours are keyed under the grid.'
        : 'Each saliency map is followed by its disagreement with the ground truth, |σ − gt| (black = agree, yellow = opposite).',
      '',
      '![qualitative grid](grid.png)',
      '',
    );
  }
  fs.writeFileSync(path.join(dir, 'README.md'), sections.join('\n'));
  return dir;
}

/** The detection report's figures: the boxes grid and FSD's masks of one training image. */
async function detSections(
  dir: string,
  outDir: string,
  name: string,
  runs: readonly StoredRun[],
  dataRoot: string,
  nImages: number,
): Promise<string[]> {
  await detGrid(path.join(dir, 'grid.png'), outDir, name, runs, dataRoot, nImages);
  const masks = await fsdMasksFigure(path.join(dir, 'fsd-masks.png'), outDir, name, runs, dataRoot);
  return [
    '## Qualitative results (test split)',
    '',
    `Boxes of the teacher, the no-KD student and the full-FSD student (first seed) beside the ground truth, coloured by class; predictions with score ≥ ${DET_GRID_SCORE} after class-aware NMS (IoU 0.65).`,
    '',
    '![qualitative grid](grid.png)',
    '',
    '## FSD masks',
    '',
    `FSD's Gaussian foreground mask and normalised background mask of training image ${masks.sample} at p3/p4/p5, intended vs literal Gaussian (each heat-map scaled to its own max: black = 0, yellow = max).`,
    '',
    '![FSD masks](fsd-masks.png)',
    '',
  ];
}
