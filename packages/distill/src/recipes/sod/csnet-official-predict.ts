import * as tf from '@tensorflow/tfjs';
import { resizeSkimage } from '@kd/data';
import type { KdModel } from '@kd/models';

/**
 * CSNet's official test pipeline for one image (`CSNet/test.py`, METHODS §2.5): the 8-bit RGB image
 * [H, W, 3] is resized to size×size as skimage does (`resizeSkimage`: bilinear, half-pixel, mirrored
 * border, no anti-aliasing), normalised with the model's mean/std (ImageNet for CSNet), run in eval
 * mode, σ(logits [1, size, size, 1]) is resized back to H×W the same way and ×255 truncated to uint8
 * (`astype(np.uint8)`, not rounded). Returns the [H, W] map a saved prediction PNG would hold.
 */
export function predictCsnetOfficial(
  model: KdModel,
  image: { data: Uint8Array; width: number; height: number },
  size = 224,
): Uint8Array {
  const { width: w, height: h } = image;
  const resized = resizeSkimage(image.data, w, h, 3, size, size);
  const { mean, std } = model.normalization; // on the 0–255 scale
  const x = new Float32Array(resized.length);
  for (let i = 0; i < resized.length; i++) x[i] = (resized[i] - mean[i % 3]) / std[i % 3];
  const input = tf.tensor4d(x, [1, size, size, 3]);
  const prob = tf.tidy(() => tf.sigmoid(model.forward(input)[0]));
  input.dispose();
  const p = prob.dataSync();
  prob.dispose();
  if (p.length !== size * size) throw new Error(`predictCsnetOfficial: output has ${p.length} values, not ${size}²`);
  const back = resizeSkimage(p, size, size, 1, w, h);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.max(0, Math.floor(back[i] * 255)));
  return out;
}
