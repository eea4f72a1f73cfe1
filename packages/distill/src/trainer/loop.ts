import * as tf from '@tensorflow/tfjs';
import { NonFiniteLossError } from '@kd/core';
import { learningRate } from '../lr-schedule.ts';
import { ScheduledOptimizer, type OptimizerSpec } from '../optimizer.ts';
import type { Module } from '@kd/nn';
import type { Callback } from './callbacks.ts';
import type { Checkpointer, LoadedCheckpoint } from './checkpoint.ts';
import type { SavedArray } from './checkpoint-file.ts';
import type { WeightEma } from './ema.ts';
import type { StepSource } from './step-source.ts';
import { disposeTrainBatch, type TrainBatch } from './train-batch.ts';

/** The loss of one step, inside the gradient tape: the total and its named, weighted parts. */
export interface StepLoss {
  total: tf.Scalar;
  parts: Record<string, tf.Scalar>;
}

/** One optimisation stage: what it trains, on which batches, with which loss. */
export interface LoopSpec<P> {
  stage: string;
  source: StepSource;
  epochs: number;
  optimizer: OptimizerSpec;
  variables: tf.Variable[];
  /** Work done outside the gradient tape before the step (a frozen teacher's forward). */
  prepare: (batch: TrainBatch) => P;
  /** Frees what `prepare` returned, after the step. */
  release: (prepared: P) => void;
  loss: (batch: TrainBatch, prepared: P) => StepLoss;
  callbacks: readonly Callback[];
  /** Writes checkpoints of this stage (weights of `modules`, optimizer state, position). */
  checkpoint?: Checkpointer;
  /** The modules whose state a checkpoint holds, by prefix (the student, the terms' parts). */
  modules?: readonly (readonly [string, Module])[];
  /** A checkpoint of this stage to resume from (its modules' weights already restored). */
  resume?: LoadedCheckpoint | null;
  /** A moving average of the weights, updated after every step and saved in checkpoints. */
  ema?: WeightEma;
  /** Stop the stage after this many steps (`--smoke`); the lr schedule still spans `epochs`. */
  maxSteps?: number;
}

export interface LoopResult {
  steps: number;
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** Mean total loss of each epoch. */
  epochLoss: number[];
  /** Mean of each part per epoch. */
  epochParts: Record<string, number>[];
}

/**
 * The one optimisation loop of kdlab: for each batch, `prepare` (outside the tape), the loss and
 * its gradient w.r.t. `variables`, the optimizer step at the scheduled lr, then the callbacks.
 * A non-finite loss stops the stage with NonFiniteLossError (its 1-based step). Every tensor a
 * step creates is released before the next.
 */
/** The state of `modules` (parameters and buffers, e.g. BN running statistics) as named arrays. */
async function moduleArrays(modules: readonly (readonly [string, Module])[]): Promise<SavedArray[]> {
  const out: SavedArray[] = [];
  for (const [prefix, m] of modules) {
    for (const [name, v] of m.stateDict())
      out.push({
        name: `${prefix}.${name}`,
        shape: v.shape,
        dtype: 'float32',
        data: Float32Array.from(await v.data()),
      });
  }
  return out;
}

/** Assigns saved arrays to `modules` (by prefixed state-dict name); a missing or misshapen entry is an error naming it. */
export function restoreModules(
  modules: readonly (readonly [string, Module])[],
  arrays: readonly SavedArray[],
  file: string,
): void {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  for (const [prefix, m] of modules) {
    for (const [name, v] of m.stateDict()) {
      const a = byName.get(`${prefix}.${name}`);
      if (!a) throw new Error(`checkpoint ${file} has no '${prefix}.${name}'`);
      if (a.shape.join('x') !== v.shape.join('x'))
        throw new Error(`checkpoint ${file}: '${prefix}.${name}' is [${a.shape}], the model's is [${v.shape}]`);
      const t = tf.tensor(a.data, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }
}

export async function runLoop<P>(spec: LoopSpec<P>): Promise<LoopResult> {
  const opt = new ScheduledOptimizer(spec.optimizer);
  const perEpoch = spec.source.stepsPerEpoch;
  const total = spec.epochs * perEpoch;
  const last = Math.min(total, spec.maxSteps ?? total);
  for (const c of spec.callbacks) c.onStageStart?.({ stage: spec.stage, totalSteps: total });
  let epochLoss: number[] = [],
    epochParts: Record<string, number>[] = [];
  let step = 0,
    images = 0,
    sum = 0,
    inEpoch = 0;
  let partSums: Record<string, number> = {};
  if (spec.resume) {
    await opt.restore(spec.resume.arrays);
    step = spec.resume.step;
    spec.ema?.restore(spec.resume.arrays, spec.resume.file);
    ({ images, sum, inEpoch, partSums, epochLoss, epochParts } = spec.resume.loop as {
      images: number;
      sum: number;
      inEpoch: number;
      partSums: Record<string, number>;
      epochLoss: number[];
      epochParts: Record<string, number>[];
    });
    spec.checkpoint?.announce(spec.stage, step);
  }
  const save = async () => {
    const arrays: SavedArray[] = [
      ...(await moduleArrays(spec.modules ?? [])),
      ...(await opt.state()),
      ...((await spec.ema?.state()) ?? []),
    ];
    spec.checkpoint!.save(spec.stage, step, { images, sum, inEpoch, partSums, epochLoss, epochParts }, arrays);
  };
  const t0 = performance.now();
  try {
    for await (const b of spec.source.batches(
      { epoch: Math.floor(step / perEpoch), step: step % perEpoch },
      spec.epochs,
    )) {
      if (step >= last) {
        disposeTrainBatch(b); // resumed at the maxSteps cap: nothing left to run
        break;
      }
      const prepared = spec.prepare(b);
      const lr = learningRate(spec.optimizer, step, total);
      const kept: [string, tf.Scalar][] = [];
      const cost = opt.step(
        () => {
          const l = spec.loss(b, prepared);
          for (const [k, v] of Object.entries(l.parts)) kept.push([k, tf.keep(v)]);
          return l.total;
        },
        spec.variables,
        lr,
      );
      const value = (await cost.data())[0];
      cost.dispose();
      const parts: Record<string, number> = {};
      for (const [k, v] of kept) parts[k] = (await v.data())[0];
      tf.dispose(kept.map(([, v]) => v));
      spec.release(prepared);
      const epoch = b.epoch;
      images += b.size;
      disposeTrainBatch(b);
      step++;
      spec.ema?.update(step);
      if (!Number.isFinite(value)) throw new NonFiniteLossError(step, value);
      sum += value;
      inEpoch++;
      for (const [k, v] of Object.entries(parts)) partSums[k] = (partSums[k] ?? 0) + v;
      for (const c of spec.callbacks) await c.onStep?.({ stage: spec.stage, step, epoch, lr, loss: value, parts });
      if (inEpoch === perEpoch) {
        epochLoss.push(sum / perEpoch);
        epochParts.push(Object.fromEntries(Object.entries(partSums).map(([k, v]) => [k, v / perEpoch])));
        for (const c of spec.callbacks) await c.onEpochEnd?.({ stage: spec.stage, epoch, meanLoss: sum / perEpoch });
        sum = 0;
        inEpoch = 0;
        partSums = {};
      }
      if (spec.checkpoint && spec.checkpoint.due(step, inEpoch === 0, step === last)) await save();
      if (step === last) break;
    }
  } finally {
    opt.dispose();
    const seconds = (performance.now() - t0) / 1000;
    for (const c of spec.callbacks) c.onStageEnd?.({ stage: spec.stage, totalSteps: total, images, seconds });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps: step, images, seconds, imagesPerSecond: images / seconds, epochLoss, epochParts };
}
