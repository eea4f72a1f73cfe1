import * as tf from '@tensorflow/tfjs';

export interface FsdAttention {
  /** S = H·W·softmax_hw(mean_c|F| / T): [N,H,W]. */
  spatial: tf.Tensor3D;
  /** Cw = C·softmax_c(mean_hw|F| / T): [N,C]. */
  channel: tf.Tensor2D;
}

/**
 * FGD/FSD spatial and channel attention of a feature map at temperature T (FSD uses 0.5):
 *   S = H·W·softmax_hw(mean_c |F| / T),   Cw = C·softmax_c(mean_hw |F| / T).
 * Both average to 1. x: [N,H,W,C].
 *
 * @example
 *   const { spatial, channel } = fsdAttention(teacherFeat, 0.5);
 */
export function fsdAttention(x: tf.Tensor4D, T = 0.5): FsdAttention {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const a = tf.abs(x);
    const spatial = tf.reshape(tf.mul(tf.softmax(tf.div(tf.reshape(tf.mean(a, -1), [n, h * w]), T)), h * w), [
      n,
      h,
      w,
    ]) as tf.Tensor3D;
    const channel = tf.mul(tf.softmax(tf.div(tf.mean(a, [1, 2]), T)), c) as tf.Tensor2D;
    return { spatial, channel };
  });
}

/**
 * FSD attention loss: L_att = Σ|Cw_s − Cw_t| / N + Σ|S_s − S_t| / N (teacher attention constant).
 */
export function fsdAttentionLoss(student: FsdAttention, teacher: FsdAttention): tf.Scalar {
  return tf.tidy(() => {
    const n = student.spatial.shape[0];
    return tf.div(
      tf.add(
        tf.sum(tf.abs(tf.sub(student.channel, teacher.channel))),
        tf.sum(tf.abs(tf.sub(student.spatial, teacher.spatial))),
      ),
      n,
    ) as tf.Scalar;
  });
}
