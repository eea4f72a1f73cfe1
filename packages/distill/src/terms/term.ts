import type * as tf from '@tensorflow/tfjs';
import type { Module } from '@kd/nn';
import type { OptimizerSpec } from '../optimizer.ts';
import type { BatchField, TrainBatch } from '../trainer/train-batch.ts';
import type { TappedOutput } from '@kd/nn';

/** Tap name meaning the model's main output (logits) rather than an intermediate feature; `out:k` is output k. */
export const MAIN_OUTPUT = 'out';

/** What a term computes from: the tensors of its declared taps, in order, and the step's batch. */
export interface TermInputs {
  /** Student taps, in `studentTaps` order (each [N,h,w,C]). */
  student: tf.Tensor4D[];
  /** Teacher taps, in `teacherTaps` order (constants: computed outside the tape). */
  teacher: tf.Tensor4D[];
  batch: TrainBatch;
}

/**
 * A stage a term needs before the student trains (Knowledge Adaptation's autoencoder): the
 * trainer runs it through the one loop on the student's batches, with the frozen teacher's
 * taps, then calls `finish`.
 */
export interface TermStage {
  name: string;
  epochs: number;
  optimizer: OptimizerSpec;
  variables(): tf.Variable[];
  /** The stage's loss on the teacher's output and taps for a batch. */
  loss(teacher: TappedOutput, batch: TrainBatch): tf.Scalar;
  finish(): void;
}

/**
 * One distillation term: which student and teacher taps it reads (in order), which batch fields
 * it needs, and how it turns them into a scalar (weighted by `weight` in the distiller).
 * Learnable parts (connectors, adapters, align convs) are `module`, trained with the student.
 */
export interface Term {
  /** Name in logs and the `parts` of each step (unique within a distiller). */
  name: string;
  weight: number;
  studentTaps: string[];
  teacherTaps: string[];
  /** Ground-truth fields `compute` reads (checked by the dry run before step 1). */
  needs: BatchField[];
  module: Module | null;
  stage?: TermStage;
  compute(inputs: TermInputs): tf.Scalar;
}
