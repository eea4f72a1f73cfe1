import * as tf from '@tensorflow/tfjs';
import { NonFiniteLossError } from '@kd/core';
import { learningRate } from '../lr-schedule.ts';
import { ScheduledOptimizer, type OptimizerSpec } from '../optimizer.ts';
import type { Callback } from './callbacks.ts';
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
export async function runLoop<P>(spec: LoopSpec<P>): Promise<LoopResult> {
  const opt = new ScheduledOptimizer(spec.optimizer);
  const perEpoch = spec.source.stepsPerEpoch;
  const total = spec.epochs * perEpoch;
  for (const c of spec.callbacks) c.onStageStart?.({ stage: spec.stage, totalSteps: total });
  const epochLoss: number[] = [], epochParts: Record<string, number>[] = [];
  let step = 0, images = 0, sum = 0, inEpoch = 0;
  let partSums: Record<string, number> = {};
  const t0 = performance.now();
  try {
    for await (const b of spec.source.batches({ epoch: 0, step: 0 }, spec.epochs)) {
      const prepared = spec.prepare(b);
      const lr = learningRate(spec.optimizer, step, total);
      const kept: [string, tf.Scalar][] = [];
      const cost = opt.step(() => {
        const l = spec.loss(b, prepared);
        for (const [k, v] of Object.entries(l.parts)) kept.push([k, tf.keep(v)]);
        return l.total;
      }, spec.variables, lr);
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
    }
  } finally {
    opt.dispose();
    const seconds = (performance.now() - t0) / 1000;
    for (const c of spec.callbacks) c.onStageEnd?.({ stage: spec.stage, totalSteps: total, images, seconds });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps: step, images, seconds, imagesPerSecond: images / seconds, epochLoss, epochParts };
}
