import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { BatchNorm2d, Conv2d, Module, ConvTranspose2d } from '@kd/nn';
import { assertSameShape } from '../../shape-checks.ts';

export interface KaAutoencoderOptions {
  /** Channels of the teacher feature Φ_t it encodes. */
  inChannels: number;
  /** Output channels of the three encoder convs; default [C, C/2, C/2] (torchdistill's k = 0.5). */
  channels?: [number, number, number];
  /**
   * Strides of the three encoder convs (the decoder mirrors them). Default [2, 2, 1]: a stride-4
   * teacher feature lands at stride 16, the OS16 student's grid. The paper says only "three
   * non-one-strided conv layers"; `kaStrides(student stride / teacher stride)` puts the code on
   * the student's grid for any output stride (the KA term does this).
   */
  strides?: [number, number, number];
}

/**
 * Encoder strides whose product is `total` (1, 2, 4 or 8), the stride-2 convs first:
 * 1 → [1,1,1], 2 → [2,1,1], 4 → [2,2,1], 8 → [2,2,2]. With a stride-4 teacher feature, a student
 * at output stride 8/16/32 needs total 2/4/8 (the code lands at the student's stride).
 */
export function kaStrides(total: number): [number, number, number] {
  const table: Record<number, [number, number, number]> = {
    1: [1, 1, 1],
    2: [2, 1, 1],
    4: [2, 2, 1],
    8: [2, 2, 2],
  };
  const s = table[total];
  if (!s)
    throw new Error(
      `ka-autoencoder: total stride (student stride / teacher stride) must be 1, 2, 4 or 8 (three convs of stride 1 or 2), got ${total}`,
    );
  return s;
}

/**
 * Knowledge translator of Knowledge Adaptation (He et al., CVPR 2019;
 * docs/methods/knowledge-adaptation.md#models-paper): an
 * autoencoder trained on the teacher's last features, then frozen. Encoder E: three
 * [conv3×3 (stride s_i) → BN → LeakyReLU(0.1)]; decoder D: three mirrored transposed 3×3 convs,
 * BN + LeakyReLU after the first two, the last one linear (features can be negative).
 * Φ_t [N,H,W,C] → code [N,H/Πs,W/Πs,c3] → reconstruction [N,H,W,C] (H, W divisible by Πs).
 * The layer details (BN, LeakyReLU 0.1) follow torchdistill's KTAAD paraphraser; the paper does
 * not give them.
 *
 * @example
 *   const ae = new KaAutoencoder(rng.fork('ka-ae'), { inChannels: 256 });
 *   const { code, reconstruction } = ae.forward(teacherFeat);
 */
export class KaAutoencoder extends Module {
  readonly encoder: { conv: Conv2d; bn: BatchNorm2d }[] = [];
  readonly decoder: { conv: ConvTranspose2d; bn: BatchNorm2d | null }[] = [];
  readonly channels: [number, number, number];
  readonly strides: [number, number, number];

  constructor(
    rng: Rng,
    readonly opts: KaAutoencoderOptions,
  ) {
    super();
    const c = opts.inChannels;
    this.channels = opts.channels ?? [c, Math.max(1, Math.floor(c / 2)), Math.max(1, Math.floor(c / 2))];
    this.strides = opts.strides ?? [2, 2, 1];
    const widths = [c, ...this.channels];
    for (let i = 0; i < 3; i++) {
      const conv = this.child(
        `encoder.${i}.conv`,
        new Conv2d(rng.fork(`encoder.${i}`), widths[i], widths[i + 1], {
          kernel: 3,
          stride: this.strides[i],
          padding: 1,
          bias: false,
        }),
      );
      const bn = this.child(`encoder.${i}.bn`, new BatchNorm2d(widths[i + 1]));
      this.encoder.push({ conv, bn });
    }
    for (let i = 0; i < 3; i++) {
      const from = widths[3 - i];
      const to = widths[2 - i];
      const last = i === 2;
      const conv = this.child(
        `decoder.${i}.conv`,
        new ConvTranspose2d(rng.fork(`decoder.${i}`), from, to, {
          kernel: 3,
          stride: this.strides[2 - i],
          padding: 1,
          bias: last,
        }),
      );
      const bn = last ? null : this.child(`decoder.${i}.bn`, new BatchNorm2d(to));
      this.decoder.push({ conv, bn });
    }
  }

  /** E(Φ_t): [N,H,W,C] → [N,H/Πs,W/Πs,c3]. */
  encode(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = x;
      for (const { conv, bn } of this.encoder) h = tf.leakyRelu(bn.forward(conv.forward(h)), 0.1) as tf.Tensor4D;
      return h;
    });
  }

  /** D(code): [N,h,w,c3] → [N,h·Πs,w·Πs,C]. */
  decode(code: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = code;
      for (const { conv, bn } of this.decoder) {
        h = conv.forward(h);
        if (bn) h = tf.leakyRelu(bn.forward(h), 0.1) as tf.Tensor4D;
      }
      return h;
    });
  }

  forward(x: tf.Tensor4D): { code: tf.Tensor4D; reconstruction: tf.Tensor4D } {
    const code = this.encode(x);
    return { code, reconstruction: this.decode(code) };
  }
}

export interface AutoencoderLossOptions {
  /** Weight α of the L1 sparsity term on the code (default 1e-7). */
  alpha?: number;
}

/**
 * Stage-1 loss of Knowledge Adaptation:
 *   L_ae = mean (Φ_t − D(E(Φ_t)))² + α · Σ |E(Φ_t)|,   α = 1e-7
 * (the paper's ‖·‖₂ reconstruction term taken as the mean squared error and the L1 norm of the
 * whole code, as torchdistill's KTAAD does). teacher, reconstruction: [N,H,W,C]; code: any shape.
 *
 * @example
 *   const { code, reconstruction } = ae.forward(teacherFeat);
 *   const loss = autoencoderLoss(teacherFeat, reconstruction, code);
 */
export function autoencoderLoss(
  teacher: tf.Tensor4D,
  reconstruction: tf.Tensor4D,
  code: tf.Tensor,
  { alpha = 1e-7 }: AutoencoderLossOptions = {},
): tf.Scalar {
  assertSameShape('ka-autoencoder', 'teacher feature', teacher, 'reconstruction', reconstruction);
  return tf.tidy(
    () =>
      tf.add(tf.mean(tf.squaredDifference(teacher, reconstruction)), tf.mul(tf.sum(tf.abs(code)), alpha)) as tf.Scalar,
  );
}
