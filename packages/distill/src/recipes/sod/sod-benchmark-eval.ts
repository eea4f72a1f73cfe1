import * as tf from '@tensorflow/tfjs';
import { ToolboxEvaluator, type ToolboxScores } from '@kd/bench';
import { DataError } from '@kd/core';
import { readGray, readRgb, type Normalization, type SodBenchmark } from '@kd/data';
import { prepareImage, type KdModel } from '@kd/models';

/**
 * KD-SCFNet's test script on one benchmark (METHODS §1.3 "Test", §1.4), one image at a time: the
 * image [H, W, 3] resized to size² (bilinear, half-pixel) and normalised with `norm`; σ(p2)
 * [1, size, size, 1] resized back to H×W with align_corners=True; round(255·p) (the 8-bit PNG the
 * script writes); scored by the KD-SCFNet toolbox (ToolboxEvaluator: per-image min–max, gt ≥ 0.5,
 * P/R at linspace(0, 1, 256), Mean-F and Max-F with β² = 0.3, adaptive E, S α = 0.5) against the
 * mask as read (grey; RGB masks averaged). `limit` keeps the first images (`--smoke`). An image
 * and its mask of different sizes is a DataError naming both sizes.
 */
export async function evaluateSodBenchmark(
  model: KdModel,
  bench: SodBenchmark,
  size: number,
  norm: Normalization,
  limit?: number,
): Promise<ToolboxScores> {
  model.eval();
  const ev = new ToolboxEvaluator();
  const refs = limit === undefined ? bench.refs : bench.refs.slice(0, limit);
  const normalization = {
    mean: [norm.mean[0], norm.mean[1], norm.mean[2]] as [number, number, number],
    std: [norm.std[0], norm.std[1], norm.std[2]] as [number, number, number],
  };
  try {
    for (const ref of refs) {
      const img = await readRgb(ref.image);
      const gt = await readGray(ref.mask!);
      if (img.width !== gt.width || img.height !== gt.height)
        throw new DataError(
          `${bench.name}: image is ${img.width}×${img.height} but its mask ${ref.mask} is ${gt.width}×${gt.height}`,
          ref.image,
        );
      const { input } = prepareImage(img.data, img.width, img.height, { normalization }, size);
      const pred = tf.tidy(() =>
        tf.image
          .resizeBilinear(tf.sigmoid(model.forward(input)[0]), [img.height, img.width], true)
          .mul(255)
          .round(),
      );
      input.dispose();
      const data = Uint8Array.from(await pred.data());
      pred.dispose();
      ev.add(
        { data, width: img.width, height: img.height },
        { data: gt.data, width: gt.width, height: gt.height },
        ref.name,
      );
    }
  } finally {
    model.train(true);
  }
  return ev.summary();
}
