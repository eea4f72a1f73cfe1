import fs from 'node:fs';
import path from 'node:path';
import { findSodBenchmarks } from '@kd/data';
import type { CsnetReleasedConfig } from '../sod/csnet-released-recipe.ts';
import { finishPlan, stage } from './finish-plan.ts';
import type { PlanContext } from './plan-context.ts';
import type { ModelRef, RunPlan } from './run-plan.ts';

/** Test-set sizes as the benchmarks are distributed (used when no --data-root is counted). */
export const SOD_BENCHMARK_SIZES: Record<string, number> = {
  'DUTS-TE': 5019,
  ECSSD: 1000,
  'HKU-IS': 4447,
  'DUT-OMRON': 5168,
  'PASCAL-S': 850,
};

/**
 * The plan of one `csnet-released` run (mirrors csnetReleasedRecipe): one forward-only stage of
 * batch 1 at size² over every benchmark image — counted under --data-root when it is given (absent
 * benchmarks count 0, as the recipe skips them), else the distributed sizes. Nothing is trained,
 * checkpointed or exported.
 */
export function planCsnetReleased(cfg: CsnetReleasedConfig, ctx: PlanContext): RunPlan {
  const wanted = cfg.benchmarks
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const images =
    ctx.countRoot && fs.existsSync(ctx.countRoot)
      ? findSodBenchmarks(ctx.countRoot, wanted).found.reduce((n, b) => n + b.refs.length, 0)
      : wanted.reduce((n, b) => n + (SOD_BENCHMARK_SIZES[path.basename(b)] ?? 0), 0);
  const model: ModelRef = { name: cfg.model, opts: {}, size: [cfg.size, cfg.size] };
  return finishPlan(
    [stage(ctx.costs, 'eval', images, 1, null, [model], 0)],
    { exportBytes: 0, teacherCacheBytes: 0 },
    ctx.costs,
  );
}
