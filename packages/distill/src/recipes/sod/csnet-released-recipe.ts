import fs from 'node:fs';
import path from 'node:path';
import { DataError, Rng, UsageError, type Config } from '@kd/core';
import { SalMetricEvaluator, ToolboxEvaluator, type ResultRow } from '@kd/bench';
import { SOD_BENCHMARKS, describeSodBenchmarks, findSodBenchmarks, loadSodSample } from '@kd/data';
import { createModel, loadSafetensors } from '@kd/models';
import type { RunContext } from '../run-context.ts';
import { smokeEvalLimit } from '../smoke.ts';
import { predictCsnetOfficial } from './csnet-official-predict.ts';

/** `csnet-released`: one released checkpoint (the row's `model`) scored on every benchmark found. */
export interface CsnetReleasedConfig extends Config {
  /** `csnet-l-x1` or `csnet-l-x2` (set by the row). */
  model: string;
  /** The released checkpoints as safetensors (docs/weights.md); '' = not supplied. */
  weights_x1: string;
  weights_x2: string;
  /** Comma-separated benchmark folders looked for under --data-root. */
  benchmarks: string;
  /** The official test input size (224). */
  size: number;
}

/** The row's checkpoint key per released model. */
export const CSNET_RELEASED_WEIGHT_KEYS: Record<string, 'weights_x1' | 'weights_x2'> = {
  'csnet-l-x1': 'weights_x1',
  'csnet-l-x2': 'weights_x2',
};

/** SalMetric (CSNet's convention) and KD-SCFNet toolbox columns per benchmark: `<B>_<metric>`, `<B>_tb_<metric>`. */
export const CSNET_RELEASED_SALMETRIC = ['MAE', 'maxF', 'meanF'] as const;
export const CSNET_RELEASED_TOOLBOX = ['tb_MAE', 'tb_maxF', 'tb_meanF', 'tb_S', 'tb_E'] as const;

/** Every metric column of the table, benchmark by benchmark in the papers' order. */
export function csnetReleasedMetrics(benchmarks: readonly string[] = SOD_BENCHMARKS): string[] {
  return benchmarks.flatMap((b) => [...CSNET_RELEASED_SALMETRIC, ...CSNET_RELEASED_TOOLBOX].map((m) => `${b}_${m}`));
}

/**
 * Scores a released CSNet checkpoint with the official test pipeline (`predictCsnetOfficial`) on each
 * benchmark `findSodBenchmarks` finds under the run's data root, in both conventions: SalMetric
 * (`<B>_MAE|maxF|meanF`) and the KD-SCFNet toolbox (`<B>_tb_MAE|maxF|meanF|S|E`). No training.
 * A row whose checkpoint key is '' returns `weights: 'none'` and no numbers; both keys empty, a missing
 * file, or no benchmark found is an error naming the flag. `--smoke` scores ≤ 4 images per benchmark.
 */
export async function csnetReleasedRecipe(cfg: CsnetReleasedConfig, run: RunContext): Promise<ResultRow> {
  const key = CSNET_RELEASED_WEIGHT_KEYS[cfg.model];
  if (!key) throw new UsageError(`model: '${cfg.model}' is not a released CSNet (csnet-l-x1, csnet-l-x2)`);
  if (!cfg.weights_x1 && !cfg.weights_x2)
    throw new UsageError(
      'csnet-released scores the released checkpoints: pass --set weights_x1=FILE and/or --set weights_x2=FILE (csnet-L-x1/x2 as .safetensors, docs/weights.md)',
    );
  const file = cfg[key];
  if (!file) return { model: cfg.model, weights: 'none', note: `no weights (--set ${key}=FILE)` };
  if (!fs.existsSync(file)) throw new UsageError(`--set ${key}: '${file}' does not exist`);
  const wanted = cfg.benchmarks
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const found = findSodBenchmarks(run.dataRoot, wanted);
  const line = describeSodBenchmarks(run.dataRoot, found);
  process.stderr.write(`${line}\n`);
  run.log({ phase: 'data', benchmarks: line });
  if (found.found.length === 0)
    throw new DataError(
      `none of ${wanted.join(', ')} found: expected <B>/image/, mask/, test.txt (KD-SCFNet) or <B>/images/, GT/ (CSNet) — set --data-root`,
      run.dataRoot,
    );
  const model = createModel(cfg.model, { rng: new Rng(run.seed, 'csnet-released'), weights: 'none' });
  try {
    loadSafetensors(model, file);
    model.eval();
    const row: ResultRow = { model: cfg.model, weights: path.basename(file), params: model.countParams() };
    const limit = smokeEvalLimit(run);
    let images = 0,
      ms = 0;
    for (const bench of found.found) {
      const sal = new SalMetricEvaluator();
      const tb = new ToolboxEvaluator();
      for (const ref of bench.refs.slice(0, limit)) {
        const s = await loadSodSample(ref); // a mask of another size is refused here, naming both sizes
        const t0 = performance.now();
        const pred = predictCsnetOfficial(model, { data: s.image, width: s.width, height: s.height }, cfg.size);
        ms += performance.now() - t0;
        const gt = { data: s.mask!, width: s.width, height: s.height };
        sal.add(pred, gt.data, ref.name);
        tb.add({ data: pred, width: s.width, height: s.height }, gt, ref.name);
        images++;
      }
      const a = sal.summary(),
        b = tb.summary();
      Object.assign(row, {
        [`${bench.name}_n`]: a.num_images,
        [`${bench.name}_MAE`]: a.MAE,
        [`${bench.name}_maxF`]: a.maxFm,
        [`${bench.name}_meanF`]: a.meanFm,
        [`${bench.name}_tb_MAE`]: b.MAE,
        [`${bench.name}_tb_maxF`]: b.maxFm,
        [`${bench.name}_tb_meanF`]: b.meanFm,
        [`${bench.name}_tb_S`]: b.Smeasure,
        [`${bench.name}_tb_E`]: b.adpEm,
      });
      run.log({ phase: 'eval', benchmark: bench.name, images: a.num_images, ...a, toolbox: b });
    }
    return {
      ...row,
      n_test: images,
      benchmarks: found.found.map((b) => b.name).join(','),
      infer_img_s: (images / ms) * 1000,
    };
  } finally {
    model.dispose();
  }
}
