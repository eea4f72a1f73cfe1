import * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/nn';
import { SegEvaluator, perImageIou, type PerImageStat, type SegScores } from '@kd/bench';
import type { BatchSource } from './trainer/step-source.ts';

export interface SegEvaluation extends SegScores {
  /** Inference throughput: forward + argmax + download. */
  inferImagesPerSecond: number;
  /** Per-image intersections and unions (for bootstrap intervals over test images). */
  perImage: PerImageStat;
}

/**
 * Scores a segmentation model (eval mode) on one pass over `source` (an unshuffled eval
 * loader): argmax of the logits [N,H,W,K] at the label resolution against the train-id labels
 * (255 ignored), one dataset-level confusion matrix.
 */
export async function evaluateSeg(model: DenseModel, source: BatchSource, numClasses: number): Promise<SegEvaluation> {
  model.eval();
  const ev = new SegEvaluator({ numClasses });
  let ms = 0,
    n = 0;
  const perImage: PerImageStat = { metric: 'mIoU', reduce: 'miou', names: [], vectors: [] };
  for await (const b of source.batches({ epoch: 0, step: 0 }, 1)) {
    if (!b.labels) throw new Error('evaluateSeg: the eval loader yields no labels');
    const x = tf.tensor4d(b.images, [b.size, b.height, b.width, 3]);
    const t0 = performance.now();
    const pred = tf.tidy(() => tf.argMax(model.forward(x)[0], 3));
    const values = await pred.data();
    ms += performance.now() - t0;
    pred.dispose();
    x.dispose();
    const hw = b.height * b.width;
    for (let i = 0; i < b.size; i++) {
      const pred = values.subarray(i * hw, (i + 1) * hw),
        gt = b.labels.subarray(i * hw, (i + 1) * hw);
      const name = b.names?.[i] ?? `image ${n + i}`;
      ev.add(pred, gt, name);
      perImage.names.push(name);
      perImage.vectors.push(perImageIou(pred, gt, numClasses, ev.ignoreIndex));
    }
    n += b.size;
  }
  model.train(true);
  return { ...ev.summary(), inferImagesPerSecond: (n / ms) * 1000, perImage };
}
