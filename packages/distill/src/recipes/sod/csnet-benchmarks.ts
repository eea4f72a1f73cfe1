import { SOD_BENCHMARKS, describeSodBenchmarks, findSodBenchmarks } from '@kd/data';
import { UsageError } from '@kd/core';
import type { KdModel } from '@kd/models';
import type { RunContext } from '../run-context.ts';
import { smokeEvalLimit } from '../smoke.ts';
import { csnetLoaders } from './csnet-data.ts';
import { csnetScores } from './csnet-eval.ts';
import type { CsnetDwdConfig } from './csnet-recipe.ts';

/** The benchmarks a config asks for: `none`, `all` (the five of the papers' tables) or a comma list. */
export function wantedBenchmarks(cfg: CsnetDwdConfig): readonly string[] {
  if (cfg.benchmarks === 'none') return [];
  if (cfg.benchmarks === 'all') return SOD_BENCHMARKS;
  const list = cfg.benchmarks
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length)
    throw new UsageError(`csnet-dwd: benchmarks='${cfg.benchmarks}'; expected none, all or a comma list`);
  return list;
}

/**
 * Scores the trained (pruned) model on every wanted SOD test benchmark found under --data-root
 * (`findSodBenchmarks`: KD-SCFNet's image/ mask/ test.txt or CSNet's images/ GT/), each at its
 * ground truths' own resolution as CSNet's test.py does (224² input, σ resized back), in both
 * conventions: `<B>_MAE`, `<B>_maxFm` in the config's `metric`, `<B>_MAE_salmetric`,
 * `<B>_maxFm_salmetric`, `<B>_Smeasure`, `<B>_n`. Absent benchmarks are skipped with one log line
 * naming what was found (also printed unless --quiet).
 */
export async function scoreCsnetBenchmarks(
  model: KdModel,
  cfg: CsnetDwdConfig,
  run: RunContext,
): Promise<Record<string, number>> {
  const wanted = wantedBenchmarks(cfg);
  if (!wanted.length) return {};
  const r = findSodBenchmarks(run.dataRoot, wanted);
  const line = describeSodBenchmarks(run.dataRoot, r);
  run.log({ phase: 'benchmarks', line });
  if (run.progress) console.error(line);
  const out: Record<string, number> = {};
  const evalCfg = { ...cfg, eval_resolution: 'original' };
  for (const b of r.found) {
    const roots = { train: b.root, val: b.root, valSplit: 'test' };
    const test = csnetLoaders(evalCfg, roots, run.seed, model.normalization, smokeEvalLimit(run)).test();
    try {
      const s = await csnetScores(model, test, evalCfg, { root: b.root, split: 'test' });
      Object.assign(out, {
        [`${b.name}_MAE`]: s.MAE,
        [`${b.name}_maxFm`]: s.maxFm,
        [`${b.name}_MAE_salmetric`]: s.MAE_salmetric as number,
        [`${b.name}_maxFm_salmetric`]: s.maxFm_salmetric as number,
        [`${b.name}_Smeasure`]: s.Smeasure as number,
        [`${b.name}_n`]: s.n_test as number,
      });
    } finally {
      await test.close();
    }
  }
  return out;
}
