import * as tf from '@tensorflow/tfjs';

/** [out, in] averaging matrix of PyTorch's adaptive pooling: bin i covers [⌊i·in/out⌋, ⌈(i+1)·in/out⌉). */
export function adaptivePoolMatrix(inLen: number, outLen: number): Float32Array {
  const m = new Float32Array(outLen * inLen);
  for (let i = 0; i < outLen; i++) {
    const start = Math.floor((i * inLen) / outLen);
    const end = Math.ceil(((i + 1) * inLen) / outLen);
    for (let j = start; j < end; j++) m[i * inLen + j] = 1 / (end - start);
  }
  return m;
}

/**
 * PyTorch `adaptive_avg_pool2d` for NHWC maps, as two matrix products (exact gradient):
 * x [N,H,W,C] → [N,h,w,C].
 *
 * @example
 *   const small = adaptiveAvgPool2d(feat, [32, 64]);
 */
export function adaptiveAvgPool2d(x: tf.Tensor4D, [h, w]: [number, number]): tf.Tensor4D {
  const [n, H, W, c] = x.shape;
  if (h === H && w === W) return x.clone();
  return tf.tidy(() => {
    const ph = tf.tensor2d(adaptivePoolMatrix(H, h), [h, H]);
    const pw = tf.tensor2d(adaptivePoolMatrix(W, w), [w, W]);
    // rows: [N·W·C, H] · Phᵀ → [N,W,C,h]
    const byRow = tf.matMul(tf.reshape(tf.transpose(x, [0, 2, 3, 1]), [n * W * c, H]), ph, false, true);
    // cols: [N·h·C, W] · Pwᵀ → [N,h,C,w] → [N,h,w,C]
    const t = tf.reshape(tf.transpose(tf.reshape(byRow, [n, W, c, h]), [0, 3, 2, 1]), [n * h * c, W]);
    return tf.transpose(tf.reshape(tf.matMul(t, pw, false, true), [n, h, c, w]), [0, 1, 3, 2]) as tf.Tensor4D;
  });
}
