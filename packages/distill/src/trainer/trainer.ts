import * as tf from '@tensorflow/tfjs';
import type { DenseModel, TappedOutput } from '@kd/nn';
import type { Distiller } from '../distiller.ts';
import type { OptimizerSpec } from '../optimizer.ts';
import { UsageError } from '@kd/core';
import type { Module } from '@kd/nn';
import type { Callback } from './callbacks.ts';
import type { Checkpointer } from './checkpoint.ts';
import { WeightEma, type EmaSpec } from './ema.ts';
import { restoreModules, runLoop, type LoopResult, type StepLoss } from './loop.ts';
import type { StepSource } from './step-source.ts';
import { disposeTrainBatch, type TrainBatch } from './train-batch.ts';

/** Task loss on the student's outputs (+ taps) for a batch: CE, dice, a detector's own objective. */
export type TaskLoss = (student: TappedOutput, batch: TrainBatch, epoch: number) => tf.Scalar;

export interface TrainSpec {
  model: DenseModel;
  source: StepSource;
  epochs: number;
  optimizer: OptimizerSpec;
  /** Null: distillation only (e.g. KD-SCFNet on unlabeled images). */
  task: TaskLoss | null;
  /** Weight of the task loss (default 1; 0 = distillation only). */
  taskWeight?: number;
  distiller?: Distiller;
  /**
   * Replaces the plain student forward when there is no distiller: a model family's objective
   * that needs more than the outputs (CSNet's dynamic weight decay collects (γ, activation) pairs).
   */
  forward?: (x: tf.Tensor4D) => TappedOutput;
  /** The main stage's name in logs and callbacks (default 'student'). */
  stage?: string;
  callbacks?: readonly Callback[];
  /**
   * Checkpoints (weights of the student and the terms' parts, optimizer state, stage and step):
   * a rerun with the same checkpointer resumes from the newest one and ends as an uninterrupted run.
   */
  checkpoint?: Checkpointer;
  /** A moving average of the student's weights (YOLOX's EMA), kept over the main stage and written into the model at its end. */
  ema?: EmaSpec;
  /** Stop every stage (the terms' pre-stages and the main one) after this many steps (`--smoke`). */
  maxSteps?: number;
}

export interface TrainResult extends LoopResult {
  /** Results of the terms' pre-stages, by stage name. */
  stages: Record<string, LoopResult>;
}

/** First batch of a source (for the dry run before any stage). */
async function firstBatch(source: StepSource): Promise<TrainBatch> {
  const it = source.batches({ epoch: 0, step: 0 }, 1);
  const r = await it.next();
  await it.return(undefined);
  if (r.done) throw new Error('the training source yields no batch');
  return r.value;
}

const disposeOutput = (o: TappedOutput) => tf.dispose([...o.outputs, ...Object.values(o.taps)]);

/**
 * The one trainer: loss = taskWeight·task + Σ weight·term (when a distiller is given), minimised
 * over the student's and the terms' learnable variables by the one loop (`runLoop`). Before any
 * update the distiller's wiring is checked on the first batch (taps, shapes, batch fields); then
 * each term's pre-stage runs (KA's autoencoder), then the student stage. The teacher's outputs
 * are computed outside the gradient tape (from the output cache when one is given).
 */
export async function train(spec: TrainSpec): Promise<TrainResult> {
  const { model, distiller } = spec;
  const callbacks = spec.callbacks ?? [];
  if (distiller) {
    const b = await firstBatch(spec.source);
    try {
      distiller.check(b);
    } finally {
      disposeTrainBatch(b);
    }
  }
  const mainStage = spec.stage ?? 'student';
  const termStages = (distiller?.terms ?? []).flatMap((t) => (t.stage ? [t.stage] : []));
  const order = [...termStages.map((st) => st.name), mainStage];
  const modules: [string, Module][] = [
    ['model', model],
    ...(distiller?.terms ?? []).flatMap((t): [string, Module][] => (t.module ? [[`term.${t.name}`, t.module]] : [])),
  ];
  const resume = spec.checkpoint?.latest() ?? null;
  const resumeAt = resume ? order.indexOf(resume.stage) : -1;
  if (resume && resumeAt < 0)
    throw new UsageError(
      `checkpoint ${resume.file} is of stage '${resume.stage}', not a stage of this run (${order.join(', ')})`,
    );
  if (resume) restoreModules(modules, resume.arrays, resume.file);
  const ck = { checkpoint: spec.checkpoint, modules, maxSteps: spec.maxSteps };
  const stages: Record<string, LoopResult> = {};
  for (const [i, st] of termStages.entries()) {
    if (i >= resumeAt) {
      stages[st.name] = await runLoop<TappedOutput>({
        stage: st.name,
        source: spec.source,
        epochs: st.epochs,
        optimizer: st.optimizer,
        variables: st.variables(),
        callbacks,
        ...ck,
        resume: i === resumeAt ? resume : null,
        prepare: (b) => distiller!.teacherForward(b.x),
        release: disposeOutput,
        loss: (b, t) => ({ total: st.loss(t, b), parts: {} }),
      });
    }
    st.finish(); // a stage finished in an earlier process: its weights came with the checkpoint
  }
  const taskWeight = spec.taskWeight ?? 1;
  const forward = (x: tf.Tensor4D): TappedOutput =>
    distiller ? distiller.studentForward(x) : spec.forward ? spec.forward(x) : { outputs: model.forward(x), taps: {} };
  model.train(true);
  const ema = spec.ema ? new WeightEma(model, spec.ema) : undefined;
  const main = await runLoop<TappedOutput | null>({
    ema,
    stage: mainStage,
    source: spec.source,
    epochs: spec.epochs,
    optimizer: spec.optimizer,
    callbacks,
    ...ck,
    resume: resumeAt === order.length - 1 ? resume : null,
    variables: [...model.trainableVariables(), ...(distiller?.extraVariables() ?? [])],
    prepare: (b) => (distiller ? distiller.teacherForward(b.x, b.key) : null),
    release: (t) => t && disposeOutput(t),
    loss: (b, t): StepLoss => {
      const s = forward(b.x);
      const parts: Record<string, tf.Scalar> = {};
      let total: tf.Scalar;
      if (spec.task && taskWeight !== 0) {
        const task = spec.task(s, b, b.epoch);
        parts.task = task;
        total = tf.mul(task, taskWeight) as tf.Scalar;
      } else total = tf.scalar(0);
      if (distiller && t) {
        const d = distiller.loss(s, t, b);
        Object.assign(parts, d.parts);
        total = tf.add(total, d.total) as tf.Scalar;
      }
      return { total, parts };
    },
  })
    .then((r) => {
      ema?.copyTo(); // evaluation and export see the averaged weights
      return r;
    })
    .finally(() => ema?.dispose());
  return { ...main, stages };
}
