import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { activeBackend } from '@kd/runtime';
import { uniform, type DenseModel } from '@kd/nn';
import { timeRepeated, type LatencyStats } from './latency.ts';
import { countModelOps } from './op-summary.ts';

export interface ProfileOptions {
  /** Square input side in pixels (default 224). */
  size?: number;
  /** Inference batch sizes to time (default [1, 8]). */
  batches?: number[];
  /** Timed repeats per measurement (default 5) after `warmup` untimed runs (default 2). */
  repeats?: number;
  warmup?: number;
  /** Batch of the timed training step; null skips it (default 8). */
  trainBatch?: number | null;
}

export interface InferenceTiming extends LatencyStats {
  batch: number;
  /** Images per second at the median: batch · 1000 / median_ms. */
  fps: number;
}

export interface ModelProfile {
  name: string;
  /** Exact number of trainable scalars. */
  params: number;
  /** Analytic MACs of one image (batch 1) at `size`² (core `countOps`). */
  macs: number;
  /** Non-MAC floating-point operations of one image. */
  flops: number;
  size: number;
  inference: InferenceTiming[];
  train: (LatencyStats & { batch: number; images_per_s: number }) | null;
  /** Peak `tf.memory()` bytes (absolute, weights included) during one inference at the largest batch / one training step. */
  peak_bytes: { inference: number; train: number | null };
  backend: string;
  threads: number;
}

/**
 * Profiles `model` on the active tfjs backend.
 * - Inference: eval mode, a fixed seeded input of [batch, size, size, 3]; each timed run is the
 *   forward plus `await outputs[0].data()` (the download of the main output), then disposal.
 * - Training step: training mode, forward of all outputs, loss Σ mean(o²) over outputs (a
 *   stand-in: its cost is negligible next to the model), gradients and an SGD update with
 *   learning rate 0, then `await loss.data()`. Weights are unchanged, and BN running statistics
 *   are restored afterwards.
 * Warm-up runs are excluded from the statistics. Leaves no tensors behind.
 */
export async function profileModel(model: DenseModel, opts: ProfileOptions = {}): Promise<ModelProfile> {
  const size = opts.size ?? 224;
  const batches = opts.batches ?? [1, 8];
  const repeats = opts.repeats ?? 5;
  const warmup = opts.warmup ?? 2;
  const trainBatch = opts.trainBatch === undefined ? 8 : opts.trainBatch;
  const wasTraining = model.training;
  const { macs, flops } = countModelOps(model, size);
  const inference: InferenceTiming[] = [];
  let peakInfer = 0;
  model.eval();
  for (const batch of batches) {
    const x = uniform(new Rng(7), [batch, size, size, 3], 0, 1) as tf.Tensor4D;
    const run = async (): Promise<void> => {
      const outs = tf.tidy(() => model.forward(x));
      await outs[0].data();
      tf.dispose(outs);
    };
    const stats = await timeRepeated(run, { warmup, repeats });
    if (batch === Math.max(...batches)) peakInfer = (await tf.profile(run)).peakBytes;
    x.dispose();
    inference.push({ ...stats, batch, fps: (batch * 1000) / stats.median_ms });
  }
  let train: ModelProfile['train'] = null;
  let peakTrain: number | null = null;
  if (trainBatch !== null) {
    const saved = model.namedBuffers().map(([, v]) => [v, v.clone()] as const);
    const optimizer = tf.train.sgd(0);
    const x = uniform(new Rng(11), [trainBatch, size, size, 3], 0, 1) as tf.Tensor4D;
    const vars = model.trainableVariables();
    model.train(true);
    const step = async (): Promise<void> => {
      const cost = optimizer.minimize(
        () => tf.addN(model.forward(x).map((o) => tf.mean(tf.square(o)))) as tf.Scalar,
        true,
        vars,
      );
      await cost!.data();
      cost!.dispose();
    };
    try {
      const stats = await timeRepeated(step, { warmup, repeats });
      peakTrain = (await tf.profile(step)).peakBytes;
      train = { ...stats, batch: trainBatch, images_per_s: (trainBatch * 1000) / stats.median_ms };
    } finally {
      x.dispose();
      optimizer.dispose();
      for (const [v, copy] of saved) {
        v.assign(copy);
        copy.dispose();
      }
    }
  }
  model.train(wasTraining);
  const b = activeBackend();
  return {
    name: model.name,
    params: model.countParams(),
    macs,
    flops,
    size,
    inference,
    train,
    peak_bytes: { inference: peakInfer, train: peakTrain },
    backend: b?.label ?? tf.getBackend(),
    threads: b?.threads ?? 1,
  };
}
