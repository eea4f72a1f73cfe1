import * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/nn';
import { SodEvaluator, type PerImageStat, type SodScores } from '@kd/bench';
import type { BatchSource } from './trainer/step-source.ts';

/**
 * Scores a SOD model (eval mode) over one pass of an unshuffled eval loader: σ(main output)
 * quantised to 8 bits (what a saved prediction PNG holds) against the loader's masks ×255,
 * PySODMetrics conventions (gt > 128). Returns the scores, inference images/s and each image's
 * MAE (for bootstrap intervals over test images).
 */
export async function evaluateSodSource(
  model: DenseModel,
  source: BatchSource,
): Promise<SodScores & { inferImagesPerSecond: number; perImage: PerImageStat }> {
  model.eval();
  const ev = new SodEvaluator();
  let ms = 0,
    n = 0;
  const perImage: PerImageStat = { metric: 'MAE', reduce: 'mean', names: [], vectors: [] };
  for await (const b of source.batches({ epoch: 0, step: 0 }, 1)) {
    if (!b.masks) throw new Error('evaluateSodSource: the eval loader yields no masks');
    const x = tf.tensor4d(b.images, [b.size, b.height, b.width, 3]);
    const t0 = performance.now();
    const p = tf.tidy(() => tf.sigmoid(model.forward(x)[0]).mul(255).round());
    const values = await p.data();
    ms += performance.now() - t0;
    p.dispose();
    x.dispose();
    const hw = b.height * b.width;
    for (let i = 0; i < b.size; i++) {
      const gt = Uint8Array.from(b.masks.subarray(i * hw, (i + 1) * hw), (v) => Math.round(v * 255));
      const one = ev.add(
        { data: values.subarray(i * hw, (i + 1) * hw), width: b.width, height: b.height },
        { data: gt, width: b.width, height: b.height },
        b.names[i],
      );
      perImage.names.push(one.name);
      perImage.vectors.push([one.MAE]);
    }
    n += b.size;
  }
  model.train(true);
  return { ...ev.summary(), inferImagesPerSecond: (n / ms) * 1000, perImage };
}
