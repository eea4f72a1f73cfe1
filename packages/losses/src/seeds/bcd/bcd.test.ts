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

/** Pixels as [N=1, H=1, W=k, C=2] from 2-vectors. */
const row = (...px: number[][]): tf.Tensor4D => tf.tensor4d([[px]]);
const A = [1, 0];
const B = [0, 1];

describe('BCD (kdlab formulation) against hand-computed values (docs/methods/bcd-equations.md)', () => {
  it('edge strength: replicate padding gives each pixel of a 1×2 map 5 copies of itself and 3 of the other', () => {
    // e = 1 − (5·1 + 3·cos(a,b))/8: orthogonal → 3/8; b = (1,1) → 1 − (5 + 3/√2)/8.
    const [ab, a11, scaled, aab] = [row(A, B), row(A, [1, 1]), row([7, 0], [0, 0.25]), row(A, A, B)];
    const e1 = affinityEdgeStrength(ab);
    expect(Array.from(e1.dataSync())).toEqual([0.375, 0.375].map((v) => expect.closeTo(v, 6)));
    const e2 = affinityEdgeStrength(a11);
    expect(e2.dataSync()[0]).toBeCloseTo(1 - (5 + 3 / Math.SQRT2) / 8, 6);
    // L2 normalisation per pixel: a positive rescale of any pixel changes nothing.
    const e3 = affinityEdgeStrength(scaled);
    expect(Array.from(e3.dataSync())).toEqual([0.375, 0.375].map((v) => expect.closeTo(v, 6)));
    // 1×3 map a a b: the left pixel sees only a (0), the middle 5a+3b, the right 3a+5b (both 3/8).
    const e4 = affinityEdgeStrength(aab);
    expect(Array.from(e4.dataSync())).toEqual([0, 0.375, 0.375].map((v) => expect.closeTo(v, 6)));
    tf.dispose([e1, e2, e3, e4, ab, a11, scaled, aab]);
  });

  it('boundary distillation: mse, per-stage weights, kl form and a resized student stage', () => {
    // Uniform student (e^S = 0) against a b teacher (e^T = 3/8 at both pixels): mean (3/8)² = 0.140625.
    const s = row(A, A);
    const t = row(A, B);
    expectClose(value(boundaryDistillation([s], [t])), 0.140625);
    expectClose(value(boundaryDistillation([s, s], [t, t], { weights: [2, 0.5] })), 2.5 * 0.140625);
    // Channels may differ: a 3-channel student, same edges (0).
    const s3ch = row([1, 2, 3], [2, 4, 6]);
    expectClose(value(boundaryDistillation([s3ch], [t])), 0.140625);
    // A 1×1 student stage is resized (bilinear) to the teacher's 1×2 grid: constant, e^S = 0.
    const s1x1 = tf.tensor4d([[[[1, 1]]]]);
    expectClose(value(boundaryDistillation([s1x1], [t])), 0.140625);
    // kl form on 1×3: p^T = softmax([0, 3/8, 3/8]/τ_b), p^S uniform; τ_b²·(Σ p log p + log 3).
    const s3 = row(A, A, A);
    const t3 = row(A, A, B);
    expectClose(value(boundaryDistillation([s3], [t3], { form: 'kl' })), 0.01417095660988954);
    expectClose(value(boundaryDistillation([s3], [t3], { form: 'kl', tauB: 0.5 })), 0.0125356578010839);
    tf.dispose([s, t, s3ch, s1x1, s3, t3]);
  });

  it('context distillation: row-softmax self-relations, τ_c²-scaled KL, pooled to one grid', () => {
    // Teacher a b: F̂F̂ᵀ = I, rows softmax([1/τ, 0]); student a a: rows uniform. KL = Σ p log p + log 2.
    const s = row(A, A);
    const t = row(A, B);
    expectClose(value(contextDistillation(s, t, { tauC: 1 })), 0.11094407167172737);
    expectClose(value(contextDistillation(s, t, { tauC: 0.5 })), 0.0819533313681844);
    expectClose(value(contextDistillation(s, t)), 0.0069264780297370425, 1e-4);
    // A 2×4 student whose left 2×2 block is a and right block b pools (adaptive average) to the
    // teacher's 1×2 grid as a b: the relations agree and the loss is 0.
    const blocks = tf.tensor4d([
      [
        [A, A, B, B],
        [A, A, B, B],
      ],
    ]);
    expect(Math.abs(value(contextDistillation(blocks, t)))).toBeLessThan(1e-7);
    tf.dispose([s, t, blocks]);
  });
});
