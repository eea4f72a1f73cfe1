import * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/nn';

export interface PreparedImage {
  /** [1, size, size, 3] normalised input. */
  input: tf.Tensor4D;
  width: number;
  height: number;
}

/**
 * A model's own preprocessing of one 8-bit RGB image (HWC, row-major): bilinear resize with
 * half-pixel centres and no anti-aliasing to size×size (as CSNet's skimage `resize(order=1)`
 * and SCFNet's cv2 resize), then (x − mean)/std per channel on the 0–255 scale (ImageNet
 * mean/std × 255 equals /255 then mean/std). Returns a tensor the caller disposes.
 */
export function prepareImage(
  rgb: Uint8Array,
  width: number,
  height: number,
  model: Pick<DenseModel, 'normalization'>,
  size: number,
): PreparedImage {
  if (rgb.length !== width * height * 3)
    throw new Error(`prepareImage: ${rgb.length} bytes is not ${width}×${height}×3`);
  const input = tf.tidy(() => {
    const img = tf.tensor4d(Float32Array.from(rgb), [1, height, width, 3]);
    const resized = width === size && height === size ? img : tf.image.resizeBilinear(img, [size, size], false, true);
    const { mean, std } = model.normalization;
    return resized.sub(tf.tensor1d(mean)).div(tf.tensor1d(std)) as tf.Tensor4D;
  });
  return { input, width, height };
}
