import * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';
import { stopGradient } from '@kd/nn';
import { bceWithLogits } from '../../task/bce-dice.ts';
import { fmtShape } from '../../shape-checks.ts';
import { defineLoss, randomTensor } from '../../define-loss.ts';

/**
 * One BatchNorm the dynamic weight decay acts on: its γ and the activation that follows it.
 * CSNet supplies one pair per branch BN of every ILBlock sub-layer (conv1x1, conv3x3_1,
 * conv3x3_2); the models package records them during the forward pass.
 */
export interface BnActivationPair {
  /** Dotted name for error messages, e.g. `stage2.0.conv1x1.bns.0`. */
  name?: string;
  /** BN scale γ, [C] (the trainable variable itself, so the decay reaches it). */
  gamma: tf.Tensor1D;
  /** The sub-layer output after BN → PReLU for this branch, [N,H,W,C]; detached here. */
  activation: tf.Tensor4D;
  /** Branch weight w_b (1 in the shipped configs, `FLOPS.EXPAND = 1.0`). */
  branchWeight?: number;
}

export interface DynamicWeightDecayOptions {
  /** Overall weight (`AUTO.FLOPS.WEIGHT`, default 3.0). */
  weight?: number;
}

/**
 * CSNet's dynamic weight decay (Gao et al., ECCV 2020; docs/methods/csnet.md#losses):
 *   L_dwd = weight · (1/B) · Σ_{b,c} 0.5 · w_b · Σ_n |GAP(y_{n,b,c})| · γ_{b,c}²
 * where y is the post-BN-PReLU activation, **detached**, so the gradient acts on γ only, as a
 * per-channel decay with coefficient weight·E_n|GAP(y)|. B = batch size (from the activations).
 * An empty list gives 0.
 *
 * @example
 *   const loss = tf.add(bceWithLogits(logits, mask), dynamicWeightDecay(model.dwdPairs()));
 */
export function dynamicWeightDecay(
  pairs: readonly BnActivationPair[],
  { weight = 3.0 }: DynamicWeightDecayOptions = {},
): tf.Scalar {
  pairs.forEach((p, i) => {
    const label = p.name ?? `pair ${i}`;
    const c = p.activation.shape[3];
    if (p.gamma.rank !== 1 || p.activation.rank !== 4 || p.gamma.shape[0] !== c) {
      throw new DataError(
        `dynamicWeightDecay: ${label}: gamma ${fmtShape(p.gamma)} and activation ${fmtShape(p.activation)} must be [C] and [N,H,W,C] with the same C`,
      );
    }
    if (p.activation.shape[0] !== pairs[0].activation.shape[0]) {
      throw new DataError(
        `dynamicWeightDecay: ${label}: activation ${fmtShape(p.activation)} has a different batch size than ${fmtShape(pairs[0].activation)}`,
      );
    }
  });
  return tf.tidy(() => {
    if (pairs.length === 0) return tf.scalar(0);
    const batch = pairs[0].activation.shape[0];
    let total: tf.Tensor = tf.scalar(0);
    for (const p of pairs) {
      const coef = tf.sum(tf.abs(tf.mean(stopGradient(p.activation), [1, 2])), 0); // Σ_n |GAP(y)|: [C]
      const r = tf.sum(tf.mul(coef, tf.square(p.gamma))); // Σ_c coef·γ²
      total = tf.add(total, tf.mul(r, 0.5 * (p.branchWeight ?? 1)));
    }
    return tf.mul(total, weight / batch) as tf.Scalar;
  });
}

/**
 * CSNet training loss: BCE-with-logits on the single output against the (soft, resized) mask
 * plus the dynamic weight decay. logits, mask: [N,H,W,1]; pairs: see `BnActivationPair`.
 *   L = BCE(logits, mask) + 3.0 · (1/B) Σ 0.5·|GAP(y)|·γ²
 */
export function csnetLoss(
  logits: tf.Tensor4D,
  mask: tf.Tensor4D,
  pairs: readonly BnActivationPair[],
  opts: DynamicWeightDecayOptions = {},
): tf.Scalar {
  return tf.tidy(() => tf.add(bceWithLogits(logits, mask), dynamicWeightDecay(pairs, opts)) as tf.Scalar);
}

export interface CsnetInputs {
  /** [N,H,W,1] logits of the single output. */
  logits: tf.Tensor4D;
  /** [N,H,W,1] mask in [0,1]. */
  mask: tf.Tensor4D;
  /** One pair per ILBlock branch BN (see `BnActivationPair`). */
  pairs: readonly BnActivationPair[];
}

export const csnetDef = defineLoss({
  name: 'csnet',
  doc: 'CSNet: BCE-with-logits + 3.0·dynamic weight decay on ILBlock BN γ',
  inputs: {
    logits: { kind: 'nhwc', doc: '[N,H,W,1] logits' },
    mask: { kind: 'nhwc', doc: '[N,H,W,1] mask in [0,1]' },
    pairs: { kind: 'bn-pairs', doc: 'BN γ [C] and its post-activation [N,H,W,C], per branch' },
  },
  agree: [['logits', 'mask', 'shape']],
  options: {
    weight: {
      type: 'number',
      default: 3,
      positive: true,
      doc: 'weight of the dynamic weight decay (AUTO.FLOPS.WEIGHT)',
    },
  },
  compute: ({ logits, mask, pairs }: CsnetInputs, o: DynamicWeightDecayOptions) => csnetLoss(logits, mask, pairs, o),
  example: (rng) => ({
    inputs: {
      logits: randomTensor<tf.Rank.R4>(rng, [2, 6, 6, 1], 2),
      mask: tf.tidy(() => tf.sigmoid(randomTensor(rng, [2, 6, 6, 1]))) as tf.Tensor4D,
      pairs: [3, 5].map((c) => ({
        gamma: randomTensor<tf.Rank.R1>(rng, [c]),
        activation: randomTensor<tf.Rank.R4>(rng, [2, 3, 3, c]),
      })),
    },
    options: {},
  }),
  differentiable: 'logits',
});
