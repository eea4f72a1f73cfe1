import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, kaimingNormal, LayerNorm } from '@kd/nn';

/** GcBlock channel-add MLP: conv1×1 C→C/2 → LayerNorm([C/2,1,1]) → ReLU → conv1×1 C/2→C (zero-init). [N,1,1,C] → same. */
export class GcChannelMlp extends Module {
  readonly conv1: Conv2d;
  readonly norm: LayerNorm;
  readonly conv2: Conv2d;

  constructor(rng: Rng, channels: number) {
    super();
    const hidden = Math.max(1, Math.floor(channels / 2));
    this.conv1 = this.child('0', new Conv2d(rng.fork('0'), channels, hidden, { kernel: 1, bias: true }));
    this.norm = this.child('1', new LayerNorm(hidden));
    const zeros = (_r: Rng, shape: number[]) => tf.zeros(shape);
    this.conv2 = this.child('3', new Conv2d(rng.fork('3'), hidden, channels, { kernel: 1, bias: true, init: zeros }));
    tf.tidy(() => this.conv2.bias!.assign(tf.zeros([channels]))); // mmcv last_zero_init: weight and bias 0
  }

  forward(ctx: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv2.forward(tf.relu(this.norm.forward(this.conv1.forward(ctx))) as tf.Tensor4D));
  }
}

/**
 * FSD's global relation (GcBlock) term (docs/methods/fsd.md#loss-per-fpn-level, `SFC.py get_rela_loss`):
 *   ctx(F) = Σ_hw F · softmax_hw(conv_mask(F)),   out = F + MLP(ctx)
 *   L_rela = Σ (out_s − out_t)² / N
 * One `conv_mask` (C→1, the official `conv_mask_t`) serves both networks — the official
 * `conv_mask_s` is never used, so it is not built; separate MLPs for student and teacher. All
 * parts train with the student. Inputs: aligned student and teacher maps, [N,H,W,C] each.
 */
export class FsdGlobalRelation extends Module {
  readonly convMask: Conv2d;
  readonly mlpStudent: GcChannelMlp;
  readonly mlpTeacher: GcChannelMlp;

  constructor(
    rng: Rng,
    readonly channels: number,
  ) {
    super();
    // mmcv kaiming_init(mode='fan_in'): N(0, 2/fan_in), bias 0.
    this.convMask = this.child(
      'conv_mask_t',
      new Conv2d(rng.fork('conv_mask_t'), channels, 1, {
        kernel: 1,
        bias: true,
        init: (r, s, fanIn) => kaimingNormal(r, s, fanIn),
      }),
    );
    tf.tidy(() => this.convMask.bias!.assign(tf.zeros([1])));
    this.mlpStudent = this.child('channel_add_conv_s', new GcChannelMlp(rng.fork('channel_add_conv_s'), channels));
    this.mlpTeacher = this.child('channel_add_conv_t', new GcChannelMlp(rng.fork('channel_add_conv_t'), channels));
  }

  /** ctx(F): [N,H,W,C] → [N,1,1,C]. */
  context(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [n, h, w, c] = x.shape;
      const weights = tf.softmax(tf.reshape(this.convMask.forward(x), [n, 1, h * w])); // [N,1,HW]
      return tf.reshape(tf.matMul(weights, tf.reshape(x, [n, h * w, c])), [n, 1, 1, c]) as tf.Tensor4D;
    });
  }

  loss(student: tf.Tensor4D, teacher: tf.Tensor4D): tf.Scalar {
    return tf.tidy(() => {
      const outS = tf.add(student, this.mlpStudent.forward(this.context(student)));
      const outT = tf.add(teacher, this.mlpTeacher.forward(this.context(teacher)));
      return tf.div(tf.sum(tf.squaredDifference(outS, outT)), student.shape[0]) as tf.Scalar;
    });
  }
}
