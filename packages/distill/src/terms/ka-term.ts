import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { tapSpec, type DenseModel } from '@kd/nn';
import { resizeBilinear } from '@kd/runtime';
import { KnowledgeAdaptation, kaAdaptationLoss, kaAffinityLoss } from '@kd/losses';
import type { Term } from './term.ts';

export interface KaTermOptions {
  /** β (adaptation) and γ (affinity); 0 switches a part off. Paper: 50 and 1. */
  beta: number;
  gamma: number;
  /** Pre-stage: autoencoder epochs over the training batches and its SGD lr (paper: 1 epoch, lr 0.1). */
  aeEpochs: number;
  aeLr: number;
}

/**
 * Knowledge Adaptation (He et al., CVPR 2019) as a term with a pre-stage. The stage trains the
 * autoencoder on the frozen teacher's `teacherTap` features Φ_t (L2 reconstruction + 1e-7·L1 on
 * the code; plain SGD) for `aeEpochs` passes of the student's batches, then freezes it; the term
 * is β·L_adapt(E(Φ_t), C_f(Φ_s)) + γ·L_aff(E(Φ_t), C_a(Φ_s)) with the adapters (trained with the
 * student) resized bilinearly to the code's grid when strides differ. CE stays the task loss.
 */
export function kaTerm(
  rng: Rng,
  student: DenseModel,
  teacher: DenseModel,
  studentTap: string,
  teacherTap: string,
  o: KaTermOptions,
): Term {
  const ka = new KnowledgeAdaptation(rng, {
    teacherChannels: tapSpec(teacher, teacherTap).channels,
    studentChannels: tapSpec(student, studentTap).channels,
    beta: o.beta,
    gamma: o.gamma,
  });
  return {
    name: 'ka',
    weight: 1,
    studentTaps: [studentTap],
    teacherTaps: [teacherTap],
    needs: [],
    module: ka,
    stage: {
      name: 'ka-autoencoder',
      epochs: o.aeEpochs,
      optimizer: { kind: 'sgd', lr: o.aeLr },
      variables: () => ka.stageVariables(),
      loss: (t) => ka.autoencoderStageLoss(t.taps[teacherTap]),
      finish: () => ka.startStudentStage(),
    },
    compute: ({ student: [s], teacher: [t] }) =>
      tf.tidy(() => {
        const latent = ka.autoencoder.encode(t);
        const toCode = (x: tf.Tensor4D) =>
          x.shape[1] === latent.shape[1] && x.shape[2] === latent.shape[2]
            ? x
            : resizeBilinear(x, [latent.shape[1], latent.shape[2]]);
        let total: tf.Tensor = tf.scalar(0);
        if (o.beta > 0)
          total = tf.add(total, tf.mul(kaAdaptationLoss(latent, toCode(ka.featureAdapter.forward(s))), o.beta));
        if (o.gamma > 0)
          total = tf.add(total, tf.mul(kaAffinityLoss(latent, toCode(ka.affinityAdapter.forward(s))), o.gamma));
        return total as tf.Scalar;
      }),
  };
}
