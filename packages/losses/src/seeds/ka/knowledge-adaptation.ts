import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { resizeBilinear } from '@kd/runtime';
import { Module } from '@kd/nn';
import { crossEntropyIgnore } from '../../task/cross-entropy.ts';
import { KaAffinityAdapter, KaFeatureAdapter } from './ka-adapters.ts';
import { kaAdaptationLoss } from './ka-adaptation.ts';
import { kaAffinityLoss } from './ka-affinity.ts';
import { KaAutoencoder, autoencoderLoss, type KaAutoencoderOptions } from './ka-autoencoder.ts';
import { defineLoss, randomTensor, requireRng } from '../../define-loss.ts';

export interface KnowledgeAdaptationOptions {
  teacherChannels: number;
  studentChannels: number;
  /** Autoencoder layout (channels, strides); see `KaAutoencoder`. */
  autoencoder?: Omit<KaAutoencoderOptions, 'inChannels'>;
  /** β, weight of the adaptation loss (default 50). */
  beta?: number;
  /** γ, weight of the affinity loss (default 1). */
  gamma?: number;
  /** α, L1 weight on the code in stage 1 (default 1e-7). */
  alpha?: number;
}

export interface KaStudentInputs {
  /** Student class logits [N,H,W,K] at the label resolution. */
  logits: tf.Tensor4D;
  /** Labels [N,H,W] with 255 = ignore. */
  labels: tf.Tensor3D;
  /** Student's last features Φ_s [N,h,w,Cs]. */
  studentFeature: tf.Tensor4D;
  /** Teacher's last features Φ_t [N,H',W',Ct] (a constant). */
  teacherFeature: tf.Tensor4D;
}

export type KaStudentLoss = {
  total: tf.Scalar;
  ce: tf.Scalar;
  adapt: tf.Scalar;
  affinity: tf.Scalar;
};

/**
 * The full Knowledge Adaptation recipe (He et al., CVPR 2019) as one module with its two stages:
 *
 * 1. `stage = 'autoencoder'`: train the translator on teacher features,
 *    L_ae = mean(Φ_t − D(E(Φ_t)))² + α‖E(Φ_t)‖₁ (`autoencoderStageLoss`, variables from
 *    `stageVariables()`).
 * 2. `startStudentStage()` freezes the autoencoder (eval mode, variables made non-trainable) and
 *    switches to the student stage: L = CE(ignore 255) + β·L_adapt + γ·L_aff with β = 50, γ = 1
 *    (`studentStageLoss`); `stageVariables()` then returns the two adapters, which train with
 *    the student. The adapters' outputs are resized bilinearly (half-pixel) to the code's grid
 *    when the two strides differ.
 *
 * @example
 *   const ka = new KnowledgeAdaptation(rng.fork('ka'), { teacherChannels: 256, studentChannels: 320 });
 *   optimizer.minimize(() => ka.autoencoderStageLoss(teacherFeat), false, ka.stageVariables());
 *   ka.startStudentStage();
 *   optimizer.minimize(() => ka.studentStageLoss({ logits, labels, studentFeature, teacherFeature }).total,
 *     false, [...student.trainableVariables(), ...ka.stageVariables()]);
 */
export class KnowledgeAdaptation extends Module {
  readonly autoencoder: KaAutoencoder;
  readonly featureAdapter: KaFeatureAdapter;
  readonly affinityAdapter: KaAffinityAdapter;
  stage: 'autoencoder' | 'student' = 'autoencoder';

  constructor(
    rng: Rng,
    readonly opts: KnowledgeAdaptationOptions,
  ) {
    super();
    this.autoencoder = this.child(
      'autoencoder',
      new KaAutoencoder(rng.fork('autoencoder'), { inChannels: opts.teacherChannels, ...opts.autoencoder }),
    );
    const code = this.autoencoder.channels[2];
    this.featureAdapter = this.child(
      'feature_adapter',
      new KaFeatureAdapter(rng.fork('feature_adapter'), opts.studentChannels, code),
    );
    this.affinityAdapter = this.child(
      'affinity_adapter',
      new KaAffinityAdapter(rng.fork('affinity_adapter'), opts.studentChannels, code),
    );
  }

  /** Stage 1 loss on a batch of teacher features [N,H,W,Ct]. */
  autoencoderStageLoss(teacherFeature: tf.Tensor4D): tf.Scalar {
    if (this.stage !== 'autoencoder')
      throw new Error('KnowledgeAdaptation: the autoencoder is frozen (student stage started)');
    return tf.tidy(() => {
      const { code, reconstruction } = this.autoencoder.forward(teacherFeature);
      return autoencoderLoss(teacherFeature, reconstruction, code, { alpha: this.opts.alpha ?? 1e-7 });
    });
  }

  /** Ends stage 1: the autoencoder goes to eval mode and its variables stop being trainable. */
  startStudentStage(): void {
    this.autoencoder.eval();
    for (const [, v] of this.autoencoder.namedParameters()) v.trainable = false;
    this.stage = 'student';
  }

  /** The variables the current stage trains: the autoencoder's, then the two adapters'. */
  stageVariables(): tf.Variable[] {
    return this.stage === 'autoencoder'
      ? this.autoencoder.trainableVariables()
      : [...this.featureAdapter.trainableVariables(), ...this.affinityAdapter.trainableVariables()];
  }

  /** Stage 2 loss and its parts. */
  studentStageLoss({ logits, labels, studentFeature, teacherFeature }: KaStudentInputs): KaStudentLoss {
    if (this.stage !== 'student')
      throw new Error('KnowledgeAdaptation: call startStudentStage() after training the autoencoder');
    const parts = tf.tidy(() => {
      const latent = this.autoencoder.encode(teacherFeature); // [N,h,w,c3], frozen
      const toCode = (x: tf.Tensor4D) =>
        x.shape[1] === latent.shape[1] && x.shape[2] === latent.shape[2]
          ? x
          : resizeBilinear(x, [latent.shape[1], latent.shape[2]]);
      const ce = crossEntropyIgnore(logits, labels);
      const adapt = kaAdaptationLoss(latent, toCode(this.featureAdapter.forward(studentFeature)));
      const affinity = kaAffinityLoss(latent, toCode(this.affinityAdapter.forward(studentFeature)));
      const total = tf.addN([
        ce,
        tf.mul(adapt, this.opts.beta ?? 50),
        tf.mul(affinity, this.opts.gamma ?? 1),
      ]) as tf.Scalar;
      return { total, ce, adapt, affinity };
    });
    return parts;
  }
}

export const kaDef = defineLoss({
  name: 'ka',
  doc: 'Knowledge Adaptation stage 2: CE + 50·adapt + 1·affinity (module = autoencoder + adapters)',
  inputs: {
    logits: { kind: 'nhwc', doc: '[N,H,W,K] student class logits' },
    labels: { kind: 'nhw', doc: '[N,H,W] labels, 255 = ignore' },
    studentFeature: { kind: 'nhwc', doc: "[N,h,w,Cs] student's last features" },
    teacherFeature: { kind: 'nhwc', doc: "[N,H',W',Ct] teacher's last features (a constant)" },
  },
  agree: [
    ['logits', 'labels', 'spatial'],
    ['studentFeature', 'teacherFeature', 'batch'],
  ],
  options: {
    rng: { type: 'object', doc: 'seeds the autoencoder and the adapters' },
    teacherChannels: { type: 'number', doc: 'Ct of the teacher feature' },
    studentChannels: { type: 'number', doc: 'Cs of the student feature' },
    autoencoder: { type: 'object', doc: 'autoencoder layout { channels, strides }' },
    beta: { type: 'number', default: 50, doc: 'weight of the adaptation loss' },
    gamma: { type: 'number', default: 1, doc: 'weight of the affinity loss' },
    alpha: { type: 'number', default: 1e-7, doc: 'L1 weight on the code in the autoencoder stage' },
  },
  module: (o: KnowledgeAdaptationOptions & { rng: Rng }) => new KnowledgeAdaptation(requireRng('ka', o), o),
  compute: (i: KaStudentInputs, _o: KnowledgeAdaptationOptions & { rng: Rng }, ka: KnowledgeAdaptation) =>
    ka.studentStageLoss(i).total,
  example: (rng) => ({
    inputs: {
      logits: randomTensor<tf.Rank.R4>(rng, [2, 8, 8, 3], 2),
      labels: tf.tidy(() =>
        tf.cast(tf.floor(tf.mul(tf.sigmoid(randomTensor(rng, [2, 8, 8], 2)), 2.999)), 'int32'),
      ) as tf.Tensor3D,
      studentFeature: randomTensor<tf.Rank.R4>(rng, [2, 4, 4, 4]),
      teacherFeature: randomTensor<tf.Rank.R4>(rng, [2, 4, 4, 6]),
    },
    options: {
      rng: rng.fork('ka'),
      teacherChannels: 6,
      studentChannels: 4,
      autoencoder: { strides: [1, 1, 1] as [number, number, number] },
    },
    prepare: (loss) => (loss.module as KnowledgeAdaptation).startStudentStage(),
  }),
  differentiable: 'logits',
});
