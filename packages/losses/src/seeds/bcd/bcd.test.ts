import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { adaptiveAvgPool2d } from '@kd/nn';
import { affinityEdgeStrength, boundaryDistillation } from './bcd-boundary.ts';
import { contextDistillation } from './bcd-context.ts';
import { bcdLoss } from './bcd.ts';
import { allFinite, checkGradient, expectClose, expectNoLeak, golden, t4, value } from '../../test-helpers.ts';

const g = golden('bcd');
let s8: tf.Tensor4D, t8: tf.Tensor4D, s16: tf.Tensor4D, t16: tf.Tensor4D, sLast: tf.Tensor4D, tLast: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  [s8, t8, s16, t16, sLast, tLast] = [g.s8, g.t8, g.s16, g.t16, g.sLast, g.tLast].map(t4);
});

describe('BCD (kdlab formulation) vs PyTorch goldens', () => {
  it('edge strength with replicate padding', () => {
    const e = affinityEdgeStrength(t8);
    expect(tf.max(tf.abs(tf.sub(e, tf.tensor(g.expected.edgeT8)))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('adaptive average pooling equals torch adaptive_avg_pool2d (6×10 → 5×7)', () => {
    const p = adaptiveAvgPool2d(sLast, [5, 7]);
    expect(tf.max(tf.abs(tf.sub(p, tf.tensor(g.expected.adaptivePool)))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('boundary distillation (mse and kl forms, resized student stage) and context distillation', () => {
    expectClose(value(boundaryDistillation([s8, s16], [t8, t16])), g.expected.bdMse);
    expectClose(value(boundaryDistillation([s8, s16], [t8, t16], { form: 'kl', tauB: 0.5 })), g.expected.bdKl);
    expectClose(value(contextDistillation(sLast, tLast)), g.expected.cd);
    expectClose(value(contextDistillation(sLast, tLast, { tauC: 1 })), g.expected.cdTau1);
  });

  it('identical inputs give 0', () => {
    expect(value(boundaryDistillation([t8], [t8]))).toBe(0);
    expect(Math.abs(value(contextDistillation(tLast, tLast)))).toBeLessThan(1e-7);
  });

  it('gradients match finite differences', () => {
    checkGradient((x) => boundaryDistillation([x as tf.Tensor4D], [t8]), s8);
    checkGradient((x) => boundaryDistillation([x as tf.Tensor4D], [t16], { form: 'kl' }), s16);
    checkGradient((x) => contextDistillation(x as tf.Tensor4D, tLast, { tauC: 0.5 }), sLast, { h: 5e-3 });
  });

  it('all-zero and constant maps stay finite, with finite gradients', () => {
    for (const x of [tf.zerosLike(s8), tf.fill(s8.shape, 2)] as tf.Tensor4D[]) {
      expect(Number.isFinite(value(boundaryDistillation([x], [t8])))).toBe(true);
      expect(Number.isFinite(value(contextDistillation(x, tLast)))).toBe(true);
      const g1 = tf.grad((y) => boundaryDistillation([y as tf.Tensor4D], [t8]))(x);
      const g2 = tf.grad((y) => contextDistillation(y as tf.Tensor4D, tf.zerosLike(tLast) as tf.Tensor4D))(x);
      expect(allFinite(g1) && allFinite(g2)).toBe(true);
      tf.dispose([x, g1, g2]);
    }
  });

  it('bcdLoss switches each term and sums with the weights', () => {
    const inputs = {
      studentStages: [s8],
      teacherStages: [t8],
      studentLast: sLast,
      teacherLast: tLast,
      studentLogits: s8,
      teacherLogits: tf.slice(t8, [0, 0, 0, 0], [-1, -1, -1, 3]) as tf.Tensor4D,
    };
    const bd = value(boundaryDistillation([s8], [t8]));
    const cd = value(contextDistillation(sLast, tLast));
    const none = bcdLoss(inputs, { boundaryWeight: 0, contextWeight: 0 });
    expect(value(none.total)).toBe(0);
    tf.dispose(none);
    const both = bcdLoss(inputs, { boundaryWeight: 2, contextWeight: 0.5, kdWeight: 1 });
    const kd = value(both.kd);
    expectClose(value(both.total), 2 * bd + 0.5 * cd + kd, 1e-5);
    tf.dispose(both);
    expect(() => bcdLoss({ ...inputs, studentLogits: undefined }, { kdWeight: 1 })).toThrow(/studentLogits/);
    expectNoLeak(() => bcdLoss(inputs));
  });

  it('names the stages on a mismatch', () => {
    expect(() => boundaryDistillation([s8], [t8, t16])).toThrow(/1 student and 2 teacher/);
    expect(() => boundaryDistillation([s8], [tf.zeros([3, 6, 8, 5]) as tf.Tensor4D])).toThrow(
      /student stage 0 \[2,6,8,3\] and teacher stage 0 \[3,6,8,5\]/,
    );
  });
});
