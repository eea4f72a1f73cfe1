import { UsageError } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { countModel, type KdModel } from '@kd/models';
import { describeSodBenchmarks, findSodBenchmarks, type SodBenchmark } from '@kd/data';
import type { RunContext } from '../run-context.ts';
import { smokeEvalLimit } from '../smoke.ts';
import { evaluateSodBenchmark } from './sod-benchmark-eval.ts';
import { isSyntheticSod, sodLoaders, sodNormalization, type SodDataConfig } from './sod-data.ts';
import { sodRecipeKeys } from './sod-recipe-keys.ts';
import { sodRow } from './sod-train.ts';

/** The benchmark whose scores fill the plain columns (MAE, maxFm, …); the others get `<name>_` columns. */
export const MAIN_BENCHMARK = 'DUTS-TE';

/**
 * The test benchmarks of a config: null for a twin or an empty `test_sets` (the labeled folder's
 * own test split is scored); otherwise each `test_sets` name found under `dataRoot` (METHODS §1.6
 * layout or CSNet's), with one line on stderr naming those found and those skipped. None found is
 * a UsageError naming the folder and the names.
 */
export function sodTestSets(cfg: SodDataConfig, dataRoot: string): SodBenchmark[] | null {
  const keys = sodRecipeKeys(cfg);
  if (!keys.test_sets || isSyntheticSod(cfg.data)) return null;
  const wanted = keys.test_sets
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const r = findSodBenchmarks(dataRoot, wanted);
  process.stderr.write(describeSodBenchmarks(dataRoot, r) + '\n');
  if (!r.found.length)
    throw new UsageError(
      `test_sets: none of ${wanted.join(', ')} is under ${dataRoot} (each as <B>/image, mask, test.txt or <B>/images, GT)`,
    );
  return r.found;
}

/**
 * A model's table row: on the labeled folder's test split (sodRow at size²) when `sets` is null,
 * else KD-SCFNet's test protocol on each benchmark (evaluateSodBenchmark): MAIN_BENCHMARK fills
 * MAE, maxFm, meanFm, Smeasure, adpEm and n_test, every other benchmark `<B>_MAE`, `<B>_maxFm`,
 * `<B>_meanFm`, `<B>_Smeasure`, `<B>_adpEm`, `<B>_n`; params and GMACs at size². `--smoke` scores
 * the first 4 images of each.
 */
export async function sodTestRow(
  model: KdModel,
  cfg: SodDataConfig,
  run: RunContext,
  roots: { labeled: string; unlabeled: string },
  sets: SodBenchmark[] | null,
  runDir?: string,
): Promise<ResultRow> {
  if (!sets) {
    const test = sodLoaders(cfg, roots, run.seed, model.normalization, smokeEvalLimit(run)).test();
    try {
      return await sodRow(model, test, cfg.size, runDir);
    } finally {
      await test.close();
    }
  }
  const count = countModel(model, [cfg.size, cfg.size]);
  const row: ResultRow = { model: model.name, params: count.params, gmacs: count.macs / 1e9 };
  const norm = sodNormalization(cfg, model.normalization);
  for (const b of sets) {
    const s = await evaluateSodBenchmark(model, b, cfg.size, norm, smokeEvalLimit(run));
    const p = b.name === MAIN_BENCHMARK ? '' : `${b.name}_`;
    Object.assign(row, {
      [`${p}MAE`]: s.MAE,
      [`${p}maxFm`]: s.maxFm,
      [`${p}meanFm`]: s.meanFm,
      [`${p}Smeasure`]: s.Smeasure,
      [`${p}adpEm`]: s.adpEm,
      [p ? `${p}n` : 'n_test']: s.num_images,
    });
  }
  return row;
}
