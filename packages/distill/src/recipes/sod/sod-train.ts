import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeJsonAtomic } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { bceWithLogits, csnetLoss, scfnetSupervisedLoss } from '@kd/losses';
import { collectDwdPairs, countModel, type DwdPair, type KdModel } from '@kd/models';
import type { TappedOutput } from '@kd/nn';
import type { Distiller } from '../../distiller.ts';
import { smokeSteps } from '../smoke.ts';
import { evaluateSodSource } from '../../evaluate-sod-source.ts';
import { loaderSource, type BatchSource } from '../../trainer/step-source.ts';
import { train, type TaskLoss } from '../../trainer/trainer.ts';
import type { Checkpointer } from '../../trainer/checkpoint.ts';
import type { OptimizerSpec } from '../../optimizer.ts';
import { runCallbacks, type RunContext } from '../run-context.ts';
import type { SodRecipeKeys } from './sod-recipe-keys.ts';
import { sodOptimizer } from './sod-optimizer.ts';

/** Supervised SOD losses by config value. */
export type SodLossKind = 'scfnet' | 'bce' | 'csnet-dwd';

/**
 * The task loss and (for CSNet DWD) the forward that collects (γ, activation) pairs:
 * `scfnet` dice + PBSM boundary dice over the 4 outputs (weights 1, ½, ¼, ⅛); `bce` BCE-with-
 * logits on the main output; `csnet-dwd` BCE + 3.0·dynamic weight decay on ILBlock BN γ (CSNet's
 * own objective: it reads the family's BN layers, so it is a forward hook, not a distillation term).
 */
export function sodTask(kind: SodLossKind): {
  task: TaskLoss;
  forward?: (model: KdModel) => (x: tf.Tensor4D) => TappedOutput;
} {
  switch (kind) {
    case 'scfnet':
      return { task: (s, b, epoch) => scfnetSupervisedLoss(s.outputs, b.mask!, epoch) };
    case 'bce':
      return { task: (s, b) => bceWithLogits(s.outputs[0], b.mask!) };
    case 'csnet-dwd': {
      let pairs: DwdPair[] = [];
      return {
        task: (s, b) => csnetLoss(s.outputs[0], b.mask!, pairs),
        forward: (model) => (x: tf.Tensor4D) => {
          const r = collectDwdPairs(() => model.forward(x));
          pairs = r.pairs;
          return { outputs: r.result, taps: {} };
        },
      };
    }
  }
}

/**
 * Adds coupled L2 weight decay for the parameters `noDecay` does not exempt to a task loss:
 * 0.5·wd·Σθ² has gradient wd·θ, exactly what PyTorch's Adam `weight_decay` adds to each gradient
 * before the moments (so it equals the optimizer's `weightDecay` restricted to a parameter group).
 */
function withWeightDecay(
  task: TaskLoss,
  model: KdModel,
  weightDecay: number,
  noDecay: (name: string) => boolean,
): TaskLoss {
  const decayed = model
    .namedParameters()
    .filter(([n]) => !noDecay(n))
    .map(([, v]) => v);
  return (s, b, epoch) =>
    tf.tidy(
      () =>
        tf.add(
          task(s, b, epoch),
          tf.mul(0.5 * weightDecay, tf.addN(decayed.map((v) => tf.sum(tf.square(v))))),
        ) as tf.Scalar,
    );
}

export interface SodTrainOptions {
  epochs: number;
  lr: number;
  loss: SodLossKind | null;
  run: RunContext;
  phase: 'teacher' | 'student';
  distiller?: Distiller;
  taskWeight?: number;
  weightDecay?: number;
  noDecay?: (name: string) => boolean;
  betas?: [number, number];
  /** Checkpoints of this training (see runCheckpointer / teacherCheckpointer). */
  checkpoint?: Checkpointer;
  /** The recipe keys: with `optimizer: 'sgd'` KD-SCFNet's optimizer and schedule (sodOptimizer) replace Adam; with `adam_schedule: 'cosine'` Adam follows its lr shape. */
  recipe?: SodRecipeKeys;
  /** Adam's lr schedule (default constant) and ε, e.g. CSNet's `{ schedule: 'multistep', milestones: [2/3, 5/6], epsilon: 1e-8 }`. */
  adam?: Pick<OptimizerSpec, 'schedule' | 'milestones' | 'gamma' | 'epsilon'>;
}

/**
 * Trains `model` for `epochs` on `source` with Adam at `lr` (constant; `betas` default 0.9, 0.999),
 * or with KD-SCFNet's SGD when `recipe.optimizer` is `sgd` (its warm-up + cosine lr with Adam when `recipe.adam_schedule` is `cosine`),
 * and the given task/distiller, through the one trainer (2 steps under `--smoke`).
 * `weightDecay`: coupled L2 decay (PyTorch Adam `weight_decay`) on every parameter except those
 * `noDecay(stateDictName)` exempts (CSNet's official optimizer exempts the ILBlock γ that dynamic
 * weight decay handles); with `noDecay` it is added to the task loss (needs a task, task weight 1
 * and no distiller), otherwise the optimizer applies it to all trained variables.
 */
export async function trainSod(model: KdModel, source: BatchSource, o: SodTrainOptions) {
  const t = o.loss ? sodTask(o.loss) : null;
  const wd = o.weightDecay ?? 0;
  let task = t?.task ?? null;
  if (wd > 0 && o.noDecay) {
    if (!task || (o.taskWeight ?? 1) !== 1 || o.distiller)
      throw new Error('trainSod: weightDecay with noDecay needs a task loss, task weight 1 and no distiller');
    task = withWeightDecay(task, model, wd, o.noDecay);
  }
  // The recipe's own optimizer: KD-SCFNet's SGD, or Adam on its warm-up + cosine lr; otherwise Adam as below.
  const recipeOwn = o.recipe && (o.recipe.optimizer === 'sgd' || o.recipe.adam_schedule === 'cosine');
  const recipeOpt = recipeOwn ? sodOptimizer(model, o.recipe!, o.lr, source.stepsPerEpoch, o.betas) : null;
  if (recipeOpt && wd > 0)
    throw new Error('trainSod: the recipe keys optimizer (sgd, adam cosine) take no weightDecay here');
  return train({
    model,
    source: loaderSource(source, `seed=${o.run.seed}|`),
    epochs: o.epochs,
    task,
    taskWeight: o.taskWeight,
    distiller: o.distiller,
    forward: t?.forward?.(model),
    stage: o.phase,
    optimizer: { kind: 'adam', ...o.adam, lr: o.lr, betas: o.betas, weightDecay: wd > 0 && !o.noDecay ? wd : 0 },
    ...(recipeOpt ? { optimizer: recipeOpt } : {}),
    callbacks: runCallbacks(o.run, `${o.phase} ${model.name}`, o.phase),
    checkpoint: o.checkpoint,
    maxSteps: smokeSteps(o.run),
  });
}

/**
 * The SOD table columns for a trained model on the test loader; with `runDir`, also its
 * per-image MAE as `<runDir>/per-image.json` (bootstrap intervals for single-seed claims).
 */
export async function sodRow(model: KdModel, test: BatchSource, size: number, runDir?: string): Promise<ResultRow> {
  const ev = await evaluateSodSource(model, test);
  if (runDir) writeJsonAtomic(path.join(runDir, 'per-image.json'), ev.perImage);
  const count = countModel(model, [size, size]);
  return {
    model: model.name,
    params: count.params,
    gmacs: count.macs / 1e9,
    MAE: ev.MAE,
    maxFm: ev.maxFm,
    meanFm: ev.meanFm,
    Smeasure: ev.Smeasure,
    adpEm: ev.adpEm,
    n_test: ev.num_images,
    infer_img_s: Math.round(ev.inferImagesPerSecond * 10) / 10,
  };
}
