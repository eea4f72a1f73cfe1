import path from 'node:path';
import { UsageError } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { Csnet, saveModel, type KdModel } from '@kd/models';
import { recalibrateBn } from '../../stages/bn-recalibration.ts';
import { gammaStats, pruneCsnet } from '../../stages/csnet-prune.ts';
import { loaderSource } from '../../trainer/step-source.ts';
import { createWithWeights } from '../create-with-weights.ts';
import { initProvenance } from '../init-provenance.ts';
import { recordEvalGrid } from '../eval-grid.ts';
import { EVAL_METRICS, recordEval, runCheckpointer, type RunContext } from '../run-context.ts';
import { smokeEvalLimit } from '../smoke.ts';
import { sodDataRoots, sodLoaders, type SodDataConfig } from './sod-data.ts';
import { sodRow, trainSod, type SodLossKind } from './sod-train.ts';

export interface CsnetDwdConfig extends SodDataConfig {
  model: string;
  loss: string;
  epochs: number;
  lr: number;
  /** Coupled Adam weight decay (official 5e-3) on every parameter except the γ `dwdNoDecay` exempts. */
  weight_decay: number;
  /** Adam β2 (official 0.99). */
  adam_beta2: number;
  /** Prune channels with |γ| below this after training (official: 1e-20 after 300 epochs); ≤ 0 = no pruning. */
  prune_threshold: number;
  /** Train-mode forwards (no update) that refresh BN statistics before evaluation (`recalibrateBn`); 0 = off. */
  bn_recal_batches: number;
  /** The model's `weights` option (none | imagenet | FILE); CSNet has none, so only `none` (a random init) is accepted. */
  student_backbone_weights: string;
}

/**
 * The official optimizer's parameter groups (`train.py`, method `Adam_dynamic_weight_decay`): no
 * weight decay for the γ ('weight') of `conv1x1.bns` and `conv3x3_1.bns` inside the stage modules
 * (the filter string repeats `conv3x3_1`, so `conv3x3_2` γ keep the decay; literal behaviour).
 * These γ are scale-invariant (each feeds a depthwise conv → BN of the same channel), so an L2
 * decay on them would only shrink them without changing the function; dynamic weight decay is
 * their only regulariser.
 */
export function dwdNoDecay(name: string): boolean {
  return /^stage\d+\.\d+\.conv(1x1|3x3_1)\.bns\.\d+\.weight$/.test(name);
}

/**
 * CSNet's learnable widths (docs/methods/csnet.md#losses), one run: train a CSNet with the
 * official optimizer groups and the configured loss (BCE, or BCE + dynamic weight decay), then
 * the stages BN recalibration → pruning at `prune_threshold` → BN recalibration of the slim
 * model. Row: the evaluated model (pruned where pruning applies), the unpruned model's MAE/maxF,
 * params before/after and the fraction of ILBlock conv1x1 |γ| under 1e-2 / 1e-3 / 1e-20.
 */
export async function csnetDwdRecipe(cfg: CsnetDwdConfig, run: RunContext): Promise<ResultRow> {
  const roots = await sodDataRoots(cfg, run.dataRoot);
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
  const l = sodLoaders(cfg, roots, run.seed, model.normalization, smokeEvalLimit(run));
  const train = l.train(),
    test = l.test();
  let evaluated: KdModel = model;
  try {
    const fit = await trainSod(model, train, {
      epochs: cfg.epochs,
      lr: cfg.lr,
      loss: cfg.loss as SodLossKind,
      run,
      phase: 'student',
      weightDecay: cfg.weight_decay,
      noDecay: dwdNoDecay,
      betas: [0.9, cfg.adam_beta2],
      checkpoint: runCheckpointer(run, cfg, 'student'),
    });
    const before = model.countParams();
    const gammas = gammaStats(model);
    run.log({ phase: 'gamma', ...gammas });
    await recalibrateBn(model, loaderSource(train), cfg.epochs, cfg.bn_recal_batches);
    const unpruned = await sodRow(model, test, cfg.size, run.runDir);
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
      await recalibrateBn(evaluated, loaderSource(train), cfg.epochs + 2, cfg.bn_recal_batches);
    }
    const row = evaluated === model ? unpruned : await sodRow(evaluated, test, cfg.size, run.runDir);
    recordEval(run, 'student', fit.steps, row, EVAL_METRICS.sod);
    await recordEvalGrid(run, 'student', fit.steps, evaluated, test, 'sod');
    await saveModel(evaluated, path.join(run.runDir, 'student'));
    return {
      ...row,
      params_before: before,
      param_reduction: 1 - evaluated.countParams() / before,
      MAE_unpruned: unpruned.MAE,
      maxFm_unpruned: unpruned.maxFm,
      below_1e_2: gammas.below_1e_2,
      below_1e_3: gammas.below_1e_3,
      below_1e_20: gammas.below_1e_20,
      ...initProvenance({ student: init }),
    };
  } finally {
    await train.close();
    await test.close();
    if (evaluated !== model) evaluated.dispose();
    model.dispose();
  }
}
