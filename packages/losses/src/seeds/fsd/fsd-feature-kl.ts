import * as tf from '@tensorflow/tfjs';

/**
 * FSD's `feature_norm`: per channel, standardise over all N·H·W values with the unbiased std,
 * (x − mean)/(std + 1e-6). std is taken as √max(var, 1e-24), so a constant channel (e.g. an
 * empty foreground) gives 0 with a zero gradient instead of the official code's NaN.
 * x: [N,H,W,C] → same.
 */
export function standardizePerChannel(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const m = x.shape[0] * x.shape[1] * x.shape[2];
    const mean = tf.mean(x, [0, 1, 2], true);
    const centred = tf.sub(x, mean);
    const varUnbiased = tf.div(tf.sum(tf.square(centred), [0, 1, 2], true), Math.max(m - 1, 1));
    return tf.div(centred, tf.add(tf.sqrt(tf.maximum(varUnbiased, 1e-24)), 1e-6)) as tf.Tensor4D;
  });
}

/**
 * FSD foreground (or background) distribution loss for one region (docs/methods/fsd.md#loss-per-fpn-level, step 3).
 * Both maps are weighted by the teacher's attention and the region mask,
 *   G = F · √S_t · √Cw_t · √M,
 * standardised per channel (`standardizePerChannel`), turned into a spatial softmax per
 * (sample, channel) with τ = 1, and compared with
 *   L = Σ P_t · (log(P_t + 1e-5) − log(P_s + 1e-5)) / (C·N)       (no τ² factor).
 * student, teacher: [N,H,W,C]; spatialT: [N,H,W]; channelT: [N,C]; mask: [N,H,W].
 */
export function fsdRegionKl(
  student: tf.Tensor4D,
  teacher: tf.Tensor4D,
  spatialT: tf.Tensor3D,
  channelT: tf.Tensor2D,
  mask: tf.Tensor3D,
): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = student.shape;
    const weight = tf.mul(tf.sqrt(tf.mul(spatialT, mask)).expandDims(-1), tf.sqrt(channelT).reshape([n, 1, 1, c])); // [N,H,W,C]
    const dist = (x: tf.Tensor4D) => {
      const z = standardizePerChannel(tf.mul(x, weight) as tf.Tensor4D);
      return tf.softmax(tf.transpose(tf.reshape(z, [n, h * w, c]), [0, 2, 1])); // [N,C,HW]
    };
    const ps = dist(student);
    const pt = dist(teacher);
    const kl = tf.sum(tf.mul(pt, tf.sub(tf.log(tf.add(pt, 1e-5)), tf.log(tf.add(ps, 1e-5)))));
    return tf.div(kl, c * n) as tf.Scalar;
  });
}
