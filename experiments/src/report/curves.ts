import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { StoredRun } from '../sweep/run-store.ts';
import { runDir, runLabel } from './pick-runs.ts';
import { lineChartSvg, smooth, type Series } from './svg-chart.ts';

/** Student training-loss curves (5-step moving average) of the given runs, as a PNG. */
export async function renderCurves(file: string, outDir: string, experiment: string, runs: readonly StoredRun[]): Promise<number> {
  const series: Series[] = [];
  for (const r of runs) {
    const log = path.join(runDir(outDir, experiment, r), 'log.jsonl');
    if (!fs.existsSync(log)) continue;
    const pts = fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .filter((e) => e.phase === 'student' && Number.isFinite(e.loss)).map((e) => [e.step, e.loss] as [number, number]);
    if (pts.length) series.push({ label: runLabel(r), points: smooth(pts, 5) });
  }
  await sharp(Buffer.from(lineChartSvg(`${experiment}: student training loss (5-step average)`, series, { xLabel: 'step', yLabel: 'loss (task + distillation)' }))).png().toFile(file);
  return series.length;
}
