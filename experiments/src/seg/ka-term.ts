import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { resizeBilinear } from '@kd/runtime';
import { TapRecorder, tapSpec, type DenseModel } from '@kd/nn';
import { batchTensors, disposeBatchTensors, type BatchSource, type DistillTerm } from '@kd/distill';
import { KnowledgeAdaptation, kaAdaptationLoss, kaAffinityLoss } from '@kd/losses';

export interface KaTermOptions {
  studentTap: string;
  teacherTap: string;
  /** β (adaptation) and γ (affinity); 0 switches a part off. Paper: 50 and 1. */
  beta: number;
  gamma: number;
  /** Stage 1: autoencoder epochs over the training images (paper: 1 epoch, lr 0.1). */
  aeEpochs: number;
  aeLr: number;
  progress?: boolean;
}

/**
 * Knowledge Adaptation (He et al., CVPR 2019) as a distillation term. Stage 1 trains the
 * autoencoder on the frozen teacher's features Φ_t (L2 reconstruction + 1e-7·L1 on the code)
 * over `aeEpochs` passes of `source`; it is then frozen, and the term is
 * β·L_adapt(E(Φ_t), C_f(Φ_s)) + γ·L_aff(E(Φ_t), C_a(Φ_s)); CE stays the task loss.
 */
export async function kaTerm(rng: Rng, student: DenseModel, teacher: DenseModel, source: BatchSource, o: KaTermOptions): Promise<DistillTerm> {
  const ka = new KnowledgeAdaptation(rng, { teacherChannels: tapSpec(teacher, o.teacherTap).channels, studentChannels: tapSpec(student, o.studentTap).channels, beta: o.beta, gamma: o.gamma });
  const opt = tf.train.sgd(o.aeLr);
  teacher.eval();
  for await (const raw of source.batches({ epoch: 0, step: 0 }, o.aeEpochs)) {
    const b = batchTensors(raw);
    const phi = tf.tidy(() => {
      const recorder = new TapRecorder(new Set([o.teacherTap]));
      teacher.forward(b.x, { recorder });
      return recorder.features.get(o.teacherTap)!;
    });
    const cost = opt.minimize(() => ka.autoencoderStageLoss(phi), true, ka.stageVariables());
    cost?.dispose();
    phi.dispose();
    disposeBatchTensors(b);
  }
  opt.dispose();
  ka.startStudentStage();
  return {
    name: 'ka', weight: 1, studentTaps: [o.studentTap], teacherTaps: [o.teacherTap], module: ka,
    compute: ([s], [t]) =>
      tf.tidy(() => {
        const latent = ka.autoencoder.encode(t);
        const toCode = (x: tf.Tensor4D) => (x.shape[1] === latent.shape[1] && x.shape[2] === latent.shape[2] ? x : resizeBilinear(x, [latent.shape[1], latent.shape[2]]));
        let total: tf.Tensor = tf.scalar(0);
        if (o.beta > 0) total = tf.add(total, tf.mul(kaAdaptationLoss(latent, toCode(ka.featureAdapter.forward(s))), o.beta));
        if (o.gamma > 0) total = tf.add(total, tf.mul(kaAffinityLoss(latent, toCode(ka.affinityAdapter.forward(s))), o.gamma));
        return total as tf.Scalar;
      }),
  };
}
