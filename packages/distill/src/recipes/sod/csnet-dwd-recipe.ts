import path from 'node:path';
import { Rng, UsageError } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { baseConfig, createModel, Csnet, saveModel, type KdModel } from '@kd/models';
import { recalibrateBn } from '../../stages/bn-recalibration.ts';
import { gammaStats, pruneCsnet } from '../../stages/csnet-prune.ts';
import { loaderSource } from '../../trainer/step-source.ts';
import { createWithWeights } from '../create-with-weights.ts';
import { initProvenance } from '../init-provenance.ts';
import { recordEvalGrid } from '../eval-grid.ts';
import { EVAL_METRICS, recordEval, runCheckpointer, type RunContext } from '../run-context.ts';
import { smokeEvalLimit, smokeSteps } from '../smoke.ts';
import { csnetDataRoots, csnetLoaders } from './csnet-data.ts';
import { CSNET_MILESTONES, type CsnetDwdConfig } from './csnet-recipe.ts';
import { csnetScores } from './csnet-eval.ts';
import { scoreCsnetBenchmarks } from './csnet-benchmarks.ts';
import { trainSod, type SodLossKind } from './sod-train.ts';

export type { CsnetDwdConfig };

/**
 * The official optimizer's parameter groups (`train.py`, method `Adam_dynamic_weight_decay`): no
 * weight decay for the γ ('weight') of `conv1x1.bns` and `conv3x3_1.bns` inside the stage modules.
 * The filter string repeats `conv3x3_1`, so literally `conv3x3_2` γ keep the decay (`literal`);
 * the intended filter (default) exempts the γ of all three sub-layers DWD acts on. These γ are
 * scale-invariant (each feeds a depthwise conv → BN of the same channel), so an L2 decay on them
 * only shrinks them without changing the function; dynamic weight decay is their regulariser.
 */
export function dwdNoDecay(filter: 'intended' | 'literal'): (name: string) => boolean {
  const re = new RegExp(
    `^stage\\d+\\.\\d+\\.conv(${filter === 'literal' ? '1x1|3x3_1' : '1x1|3x3_1|3x3_2'})\\.bns\\.\\d+\\.weight$`,
  );
  return (name) => re.test(name);
}

/** The model a config trains: `fixed_width` > 0 = CSNet's base layout at that uniform width, else `model`. */
function createCsnet(
  cfg: CsnetDwdConfig,
  run: RunContext,
): { model: Csnet; init: ReturnType<typeof createWithWeights>['init'] } {
  if (cfg.fixed_width > 0) {
    if (cfg.student_backbone_weights !== 'none')
      throw new UsageError(
        `csnet-dwd: student_backbone_weights must be none with fixed_width (CSNet has no pretrained backbone)`,
      );
    return {
      model: new Csnet(`csnet-w${cfg.fixed_width}`, run.rng.fork('init'), baseConfig(cfg.fixed_width)),
      init: { policy: 'none' },
    };
  }
  const { model, init } = createWithWeights(
    cfg.model,
    { rng: run.rng.fork('init') },
    cfg.student_backbone_weights,
    'student_backbone_weights',
  );
  if (!(model instanceof Csnet)) {
    model.dispose();
    throw new UsageError(
      `csnet-dwd: model '${cfg.model}' is not a CSNet (csnet-*); dynamic weight decay and pruning read its ILBlock BN layers`,
    );
  }
  return { model, init };
}

/** Parameters of `base_model` (the un-pruned network a row's reduction is measured against). */
function baseParams(cfg: CsnetDwdConfig): number {
  const m = createModel(cfg.base_model, { rng: new Rng(0) });
  const n = m.countParams();
  m.dispose();
  return n;
}

/**
 * CSNet's learnable widths (docs/methods/csnet.md#losses), one run: train a CSNet (or a fixed
 * uniform-width one) with the official optimizer groups, lr schedule and the configured loss (BCE,
 * or BCE + dynamic weight decay), then BN recalibration → pruning at `prune_threshold` → BN
 * recalibration of the slim model. Row: the evaluated model (pruned where pruning applies), the
 * unpruned model's MAE/maxF, params before/after, `param_reduction` = 1 − params/params(base_model),
 * the all-background predictor's MAE and `collapsed` (1 when the model is no better than it), and
 * the fraction of ILBlock conv1x1 |γ| under 1e-2 / 1e-3 / 1e-20. `epochs: 0` = a reference row:
 * parameter counts only, nothing trained or evaluated.
 */
export async function csnetDwdRecipe(cfg: CsnetDwdConfig, run: RunContext): Promise<ResultRow> {
  const { model, init } = createCsnet(cfg, run);
  if (cfg.epochs === 0) {
    // A reference row (e.g. the released widths' reduction): the architecture's parameter counts only.
    const params = model.countParams(),
      base = baseParams(cfg);
    model.dispose();
    return {
      model: model.name,
      params,
      params_base: base,
      param_reduction: 1 - params / base,
      ...initProvenance({ student: init }),
    };
  }
  const roots = await csnetDataRoots(cfg, run.dataRoot);
  const l = csnetLoaders(cfg, roots, run.seed, model.normalization, smokeEvalLimit(run));
  const gt = { root: roots.val, split: roots.valSplit };
  const train = l.train(),
    test = l.test();
  let evaluated: KdModel = model;
  try {
    const filter = cfg.no_decay_filter;
    if (filter !== 'intended' && filter !== 'literal')
      throw new UsageError(`csnet-dwd: no_decay_filter='${filter}'; expected intended or literal`);
    if (cfg.metric !== 'pysod' && cfg.metric !== 'salmetric')
      throw new UsageError(`csnet-dwd: metric='${cfg.metric}'; expected pysod or salmetric`);
    const fit = await trainSod(model, train, {
      epochs: cfg.epochs,
      lr: cfg.lr,
      loss: cfg.loss as SodLossKind,
      run,
      phase: 'student',
      weightDecay: cfg.weight_decay,
      noDecay: dwdNoDecay(filter),
      betas: [0.9, cfg.adam_beta2],
      adam: {
        schedule: cfg.lr_schedule === 'multistep' ? 'multistep' : 'constant',
        milestones: CSNET_MILESTONES,
        epsilon: cfg.adam_eps,
      },
      checkpoint: runCheckpointer(run, cfg, 'student'),
    });
    // --smoke: BN recalibration is a stage too, capped at the smoke step count.
    const recal = Math.min(cfg.bn_recal_batches, smokeSteps(run) ?? Infinity);
    const before = model.countParams(),
      base = baseParams(cfg);
    const gammas = gammaStats(model);
    run.log({ phase: 'gamma', ...gammas });
    await recalibrateBn(model, loaderSource(train), cfg.epochs, recal);
    const unpruned = await csnetScores(model, test, cfg, gt, run.runDir);
    if (cfg.prune_threshold > 0) {
      const slim = pruneCsnet(model, cfg.prune_threshold);
      evaluated = slim;
      run.log({
        phase: 'prune',
        threshold: cfg.prune_threshold,
        params_before: before,
        params_after: slim.countParams(),
        config: slim.config,
      });
      await recalibrateBn(evaluated, loaderSource(train), cfg.epochs + 2, recal);
    }
    const row = evaluated === model ? unpruned : await csnetScores(evaluated, test, cfg, gt, run.runDir);
    recordEval(run, 'student', fit.steps, row, EVAL_METRICS.sod);
    await recordEvalGrid(run, 'student', fit.steps, evaluated, test, 'sod');
    await saveModel(evaluated, path.join(run.runDir, 'student'));
    const benchmarks = await scoreCsnetBenchmarks(evaluated, cfg, run);
    return {
      ...row,
      params_before: before,
      params_base: base,
      param_reduction: 1 - evaluated.countParams() / base,
      MAE_unpruned: unpruned.MAE,
      maxFm_unpruned: unpruned.maxFm,
      collapsed: Math.max(row.MAE, unpruned.MAE) >= row.MAE_background ? 1 : 0,
      below_1e_2: gammas.below_1e_2,
      below_1e_3: gammas.below_1e_3,
      below_1e_20: gammas.below_1e_20,
      ...benchmarks,
      ...initProvenance({ student: init }),
    };
  } finally {
    await train.close();
    await test.close();
    if (evaluated !== model) evaluated.dispose();
    model.dispose();
  }
}
