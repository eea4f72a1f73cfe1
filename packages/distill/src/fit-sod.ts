import * as tf from '@tensorflow/tfjs';
import type { DenseModel, Rng } from '@kd/core';
import { createProgress } from './progress.ts';
import type { SodArrays } from './sod-arrays.ts';
import { disposeBatch, epochBatches, makeSodBatch, type SodBatch } from './sod-batch.ts';

/** Loss over the model's outputs (main first), the batch, and the frozen teacher's main logits. */
export type SodLossFn = (outputs: tf.Tensor4D[], batch: SodBatch, teacherMain: tf.Tensor4D | null) => tf.Scalar;

export interface FitSpec {
  epochs: number;
  batchSize: number;
  /** Adam learning rate. */
  lr: number;
  /** Data order and augmentation stream. */
  rng: Rng;
  /** Horizontal flip probability. */
  hflip?: number;
  label?: string;
  progress?: boolean;
  /** Called after every step with the step's loss (for JSONL logs). */
  onStep?: (step: number, epoch: number, loss: number) => void;
}

export interface FitResult {
  steps: number;
  images: number;
  seconds: number;
  /** Training throughput, batch assembly included. */
  imagesPerSecond: number;
  /** Mean loss of each epoch. */
  epochLoss: number[];
}

/** Thrown when a step's loss is NaN or infinite; carries the step so a sweep can record it. */
export class NonFiniteLossError extends Error {
  constructor(readonly step: number, readonly value: number) {
    super(`loss became ${value} at step ${step}`);
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Trains `model` on an in-memory SOD split with Adam. With a `teacher` (frozen, eval mode) its
 * main output is computed outside the gradient tape and handed to `loss` — the KD-SCFNet
 * recipe on unlabeled images. Every tensor a step creates is released before the next one.
 */
export async function fitSod(model: DenseModel, data: SodArrays, spec: FitSpec, loss: SodLossFn, teacher?: DenseModel): Promise<FitResult> {
  const optimizer = tf.train.adam(spec.lr);
  const vars = model.trainableVariables();
  model.train(true);
  teacher?.eval();
  const norm = model.normalization;
  const perEpoch = Math.floor(data.images.length / spec.batchSize);
  if (perEpoch === 0) throw new Error(`fitSod: ${data.images.length} samples is fewer than one batch of ${spec.batchSize}`);
  const total = perEpoch * spec.epochs;
  const bar = createProgress(spec.label ?? model.name, total, spec.progress ?? true);
  const epochLoss: number[] = [];
  let step = 0;
  const t0 = performance.now();
  try {
    for (let epoch = 0; epoch < spec.epochs; epoch++) {
      let sum = 0;
      for (const idx of epochBatches(spec.rng, data.images.length, spec.batchSize)) {
        const batch = makeSodBatch(data, idx, { mean: norm.mean, std: norm.std, rng: spec.rng, hflip: spec.hflip ?? 0.5 });
        const teacherMain = teacher ? tf.tidy(() => teacher.forward(batch.x)[0]) : null;
        const cost = optimizer.minimize(() => loss(model.forward(batch.x), batch, teacherMain), true, vars);
        const value = (await cost!.data())[0];
        cost!.dispose();
        teacherMain?.dispose();
        disposeBatch(batch);
        step++;
        if (!Number.isFinite(value)) throw new NonFiniteLossError(step, value);
        sum += value;
        spec.onStep?.(step, epoch, value);
        bar.update(step, { loss: value.toFixed(4) });
      }
      epochLoss.push(sum / perEpoch);
    }
  } finally {
    bar.stop();
    optimizer.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps: step, images: step * spec.batchSize, seconds, imagesPerSecond: (step * spec.batchSize) / seconds, epochLoss };
}
