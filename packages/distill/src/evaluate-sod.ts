import * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/core';
import { SodEvaluator, type SodScores } from '@kd/bench';
import type { SodArrays } from './sod-arrays.ts';
import { disposeBatch, makeSodBatch } from './sod-batch.ts';

export interface SodEvaluation extends SodScores {
  /** Inference throughput: forward + sigmoid + download, batch assembly excluded. */
  inferImagesPerSecond: number;
}

/**
 * Runs `model` (eval mode) over a labeled split and scores σ(main output) quantised to 8 bits,
 * exactly what a saved prediction PNG would hold, with the PySODMetrics conventions.
 */
export async function evaluateSod(model: DenseModel, data: SodArrays, batchSize = 16): Promise<SodEvaluation> {
  model.eval();
  const evaluator = new SodEvaluator();
  const n = data.images.length;
  let inferMs = 0;
  for (let i = 0; i < n; i += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - i) }, (_, k) => i + k);
    const batch = makeSodBatch(data, idx, { mean: model.normalization.mean, std: model.normalization.std });
    const t0 = performance.now();
    const probs = tf.tidy(() => tf.sigmoid(model.forward(batch.x)[0]).mul(255).round());
    const values = await probs.data();
    inferMs += performance.now() - t0;
    probs.dispose();
    disposeBatch(batch);
    const hw = data.width * data.height;
    idx.forEach((sample, k) => {
      const mask = data.masks[sample];
      if (!mask) throw new Error(`evaluateSod: sample '${data.names[sample]}' has no mask`);
      evaluator.add({ data: values.subarray(k * hw, (k + 1) * hw), width: data.width, height: data.height }, { data: mask, width: data.width, height: data.height }, data.names[sample]);
    });
  }
  model.train(true);
  return { ...evaluator.summary(), inferImagesPerSecond: (n / inferMs) * 1000 };
}
