import type { CsnetDwdConfig } from '../sod/csnet-dwd-recipe.ts';
import { batchesPerEpoch } from './dataset-size.ts';
import { exportBytesOf, finishPlan, stage } from './finish-plan.ts';
import type { PlanContext } from './plan-context.ts';
import { sodTrainImages } from './plan-sod.ts';
import type { ModelRef, RunPlan, StagePlan } from './run-plan.ts';

/**
 * The plan of one `csnet-dwd` run (mirrors csnetDwdRecipe): the student stage (Adam), then
 * `bn_recal_batches` forward-only batches, and with pruning a second BN recalibration of the
 * slim model. The pruned model's size is unknown before training, so its recalibration and the
 * export are planned at the un-pruned size (an upper bound); a `fixed_width` row is planned at
 * `model`'s size (the ×1 base: an upper bound for widths < 20). `epochs: 0` (a params-only
 * reference row) trains and evaluates nothing.
 */
export function planCsnetDwd(cfg: CsnetDwdConfig, ctx: PlanContext): RunPlan {
  const perEpoch = batchesPerEpoch(sodTrainImages(cfg, ctx), cfg.batch, `plan csnet-dwd (data ${cfg.data})`);
  const model: ModelRef = { name: cfg.model, opts: {}, size: [cfg.size, cfg.size] };
  const stages: StagePlan[] = [stage(ctx.costs, 'student', cfg.epochs * perEpoch, cfg.batch, model, [], 2)];
  if (cfg.bn_recal_batches > 0 && cfg.epochs > 0) {
    stages.push(stage(ctx.costs, 'bn-recalibration', cfg.bn_recal_batches, cfg.batch, null, [model], 0));
    if (cfg.prune_threshold > 0)
      stages.push(stage(ctx.costs, 'bn-recalibration-pruned', cfg.bn_recal_batches, cfg.batch, null, [model], 0));
  }
  return finishPlan(stages, { exportBytes: exportBytesOf(ctx.costs, model), teacherCacheBytes: 0 }, ctx.costs);
}
