import * as tf from '@tensorflow/tfjs';
import { assertSameShape } from '../../shape-checks.ts';
import type { Rng } from '@kd/core';
import type { TapSpec } from '@kd/nn';
import { connectorFor, type Connector, type ConnectorKind } from '@kd/nn';
import { PAIR_INPUTS, defineLoss, randomPair, requireRng, type PairInputs } from '../../define-loss.ts';

/**
 * FitNets hint loss (Romero et al., ICLR 2015): mean squared error between the student's
 * feature after its regressor (a connector, see `connectorFor`) and the teacher's hint,
 *   L = mean_{n,h,w,c} (r(F_s) − F_t)².
 * studentAdapted, teacher: [N,H,W,C], same shape. Identical inputs give 0.
 *
 * @example
 *   const connector = connectorFor(rng, studentTap, teacherTap);
 *   const loss = fitnet(connector.forward(studentFeat, teacherFeat), teacherFeat);
 */
export function fitnet(studentAdapted: tf.Tensor4D, teacher: tf.Tensor4D): tf.Scalar {
  assertSameShape('fitnet', 'student (after connector)', studentAdapted, 'teacher', teacher);
  return tf.tidy(() => tf.mean(tf.squaredDifference(studentAdapted, teacher)) as tf.Scalar);
}

export interface FitnetOptions {
  /** With both taps and an rng, a connector is built from them (default kind 'auto'). */
  rng?: Rng;
  studentTap?: TapSpec;
  teacherTap?: TapSpec;
  connector?: ConnectorKind;
}

export const fitnetDef = defineLoss({
  name: 'fitnet',
  doc: 'FitNets hint: MSE through a connector built from the two taps',
  inputs: PAIR_INPUTS,
  // With a connector the two maps may differ in channels and grid; `fitnet` checks after it.
  agree: [['student', 'teacher', 'batch']],
  options: {
    rng: { type: 'object', doc: 'seeds the connector (needed with the taps)' },
    studentTap: { type: 'object', doc: 'student TapSpec; with teacherTap, builds the connector' },
    teacherTap: { type: 'object', doc: 'teacher TapSpec' },
    connector: {
      type: 'object',
      default: 'auto',
      doc: "ConnectorKind: 'auto' | 'identity' | 'resize' | 'conv1x1' | 'conv-bn'",
    },
  },
  module: (o: FitnetOptions): Connector | null =>
    o.studentTap && o.teacherTap
      ? connectorFor(requireRng('fitnet', o), o.studentTap, o.teacherTap, o.connector)
      : null,
  compute: ({ student, teacher }: PairInputs, _o: FitnetOptions, c: Connector | null) =>
    fitnet(c ? c.forward(student, teacher) : student, teacher),
  example: (rng) => ({
    inputs: randomPair(rng, [2, 2, 3, 4], [2, 4, 6, 6]),
    options: {
      rng: rng.fork('connector'),
      studentTap: { name: 's.x', channels: 4, stride: 16 },
      teacherTap: { name: 't.x', channels: 6, stride: 8 },
    },
  }),
  differentiable: 'student',
});
