import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { tapSpec, type DenseModel } from '@kd/nn';
import { resizeBilinear } from '@kd/runtime';
import { KnowledgeAdaptation, kaAdaptationLoss, kaAffinityLoss, kaStrides } from '@kd/losses';
import type { Term } from './term.ts';

export interface KaTermOptions {
  /** β (adaptation) and γ (affinity); 0 switches a part off. Paper: 50 and 1. */
  beta: number;
  gamma: number;
  /** Pre-stage: autoencoder epochs over the training batches and its SGD lr (paper: 1 epoch, lr 0.1). */
  aeEpochs: number;
  aeLr: number;
  /**
   * Pre-stage SGD momentum and weight decay. Paper (METHODS §4.3): "large" weight decay 1e-4; the
   * momentum 0.9 is torchdistill's KTAAD and the paper's SGD for the teacher and student.
   */
  aeMomentum: number;
  aeWeightDecay: number;
  /** The encoder's three strides; default `kaStrides(student stride / teacher stride)` (the code on the student's grid). */
  aeStrides?: [number, number, number];
}

/** The paper's pre-stage optimizer (METHODS §4.3): SGD lr 0.1, momentum 0.9, weight decay 1e-4, constant lr. */
export const KA_AE_OPTIMIZER = { aeLr: 0.1, aeMomentum: 0.9, aeWeightDecay: 1e-4 } as const;

/**
 * Knowledge Adaptation (He et al., CVPR 2019) as a term with a pre-stage. The stage trains the
 * autoencoder on the frozen teacher's `teacherTap` features Φ_t (L2 reconstruction + 1e-7·L1 on
 * the code; SGD at `aeLr` with `aeMomentum` and `aeWeightDecay`, constant lr) for `aeEpochs`
 * passes of the student's batches, then freezes it. The encoder's strides are `kaStrides(student
 * tap stride / teacher tap stride)`, so the code E(Φ_t) [N,H/s,W/s,c3] lies on the student's
 * grid (s = the student's output stride): OS8/16/32 students against a stride-4 teacher feature
 * get total encoder strides 2/4/8. The term is β·L_adapt(E(Φ_t), C_f(Φ_s)) + γ·L_aff(E(Φ_t),
 * C_a(Φ_s)) with the adapters trained with the student (resized bilinearly to the code's grid only
 * if the input size is not a multiple of the strides). CE stays the task loss.
 */
export function kaTerm(
  rng: Rng,
  student: DenseModel,
  teacher: DenseModel,
  studentTap: string,
  teacherTap: string,
  o: KaTermOptions,
): Term {
  const ts = tapSpec(teacher, teacherTap),
    ss = tapSpec(student, studentTap);
  if (!o.aeStrides && ss.stride % ts.stride !== 0)
    throw new Error(
      `ka term: student tap '${studentTap}' (stride ${ss.stride}) is not a multiple of teacher tap '${teacherTap}' (stride ${ts.stride}); the autoencoder can only downsample`,
    );
  const ka = new KnowledgeAdaptation(rng, {
    teacherChannels: ts.channels,
    studentChannels: ss.channels,
    autoencoder: { strides: o.aeStrides ?? kaStrides(ss.stride / ts.stride) },
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
      optimizer: {
        kind: 'sgd',
        lr: o.aeLr,
        momentum: o.aeMomentum,
        weightDecay: o.aeWeightDecay,
        schedule: 'constant',
      },
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
