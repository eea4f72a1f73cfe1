import path from 'node:path';
import sharp from 'sharp';
import type { StoredRun } from '@kd/sweep';
import { runDir, runLabel } from './pick-runs.ts';
import { readStudentLog, type StudentLog } from './run-log.ts';
import { lineChartSvg, seriesColor, smooth, stackSvgs, type Series } from './svg-chart.ts';

const PANEL = { width: 900, height: 320 };

/**
 * Training curves of the given runs as one PNG of stacked panels: the task loss alone, then
 * each distillation term on its own panel (weighted, as it enters the total: a variant with more
 * terms no longer sits higher by construction), then `metric` at every evaluation (records with
 * `phase: 'eval'`, plus the final score from the run's row at its last step). Losses are 5-step
 * moving averages. Returns the number of runs with a student log (0: nothing written).
 */
export async function renderCurves(
  file: string,
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  metric?: string,
): Promise<number> {
  const logs: [StoredRun, StudentLog][] = runs
    .map((r) => [r, readStudentLog(path.join(runDir(outDir, experiment, r), 'log.jsonl'))] as [StoredRun, StudentLog])
    .filter(([, l]) => l.task.length > 0);
  if (!logs.length) return 0;
  const panels: string[] = [];
  const lossSeries = (pick: (l: StudentLog) => [number, number][] | undefined): Series[] =>
    logs.flatMap(([r, l], i) => {
      const pts = pick(l);
      return pts?.length ? [{ label: runLabel(r), points: smooth(pts, 5), color: seriesColor(i) }] : [];
    });
  panels.push(
    lineChartSvg(
      `${experiment}: task loss (5-step average)`,
      lossSeries((l) => l.task),
      { ...PANEL, xLabel: 'step', yLabel: 'task loss' },
    ),
  );
  const termNames = [...new Set(logs.flatMap(([, l]) => [...l.terms.keys()]))];
  for (const name of termNames) {
    panels.push(
      lineChartSvg(
        `term ${name} (weighted, 5-step average)`,
        lossSeries((l) => l.terms.get(name)),
        { ...PANEL, xLabel: 'step', yLabel: name },
      ),
    );
  }
  if (metric) {
    const anyEval = logs.some(([, l]) => l.evals.has(metric));
    const series: Series[] = logs.flatMap(([r, l], i) => {
      const pts = [...(l.evals.get(metric) ?? [])];
      const final = r.row[metric];
      if (typeof final === 'number' && Number.isFinite(final) && !pts.some(([s]) => s === l.lastStep))
        pts.push([l.lastStep, final]);
      return pts.length ? [{ label: runLabel(r), points: pts, color: seriesColor(i) }] : [];
    });
    const when = anyEval ? 'per evaluation' : 'per evaluation (one, at the end of training)';
    if (series.length)
      panels.push(lineChartSvg(`${metric} ${when}`, series, { ...PANEL, xLabel: 'step', yLabel: metric }));
  }
  await sharp(Buffer.from(stackSvgs(panels)))
    .png()
    .toFile(file);
  return logs.length;
}
