import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { attentionTransfer } from './feature/attention-transfer.ts';
import { channelWiseDistillation } from './logits/cwd.ts';
import { fitnet } from './feature/fitnet.ts';
import { maxPoolCeil, pairwiseAffinity } from './relation/pairwise.ts';
import { pixelKl } from './logits/pixel-kl.ts';
import { allFinite, checkGradient, expectClose, expectNoLeak, golden, t4, value } from '../test-helpers.ts';

const g = golden('baselines');
let s: tf.Tensor4D, t: tf.Tensor4D, t6: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  s = t4(g.student); // [2,5,7,4]
  t = t4(g.teacher);
  t6 = t4(g.teacher6); // [2,5,7,6]
});

type PairFn = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Scalar;
const cases: [string, PairFn, () => tf.Tensor4D, string][] = [
  ['pixel-kl T=1', (a, b) => pixelKl(a, b), () => t, 'pixelKl_T1'],
  ['pixel-kl T=4', (a, b) => pixelKl(a, b, { T: 4 }), () => t, 'pixelKl_T4'],
  ['cwd T=1', (a, b) => channelWiseDistillation(a, b, { T: 1 }), () => t, 'cwd_T1'],
  ['cwd T=4', (a, b) => channelWiseDistillation(a, b, { T: 4 }), () => t, 'cwd_T4'],
  ['pairwise', (a, b) => pairwiseAffinity(a, b), () => t, 'pairwise'],
  ['pairwise pool 2×3 (ceil)', (a, b) => pairwiseAffinity(a, b, { poolKernel: [2, 3] }), () => t, 'pairwise_pool23'],
  ['pairwise Cs≠Ct pool 2×2', (a, b) => pairwiseAffinity(a, b, { poolKernel: [2, 2] }), () => t6, 'pairwise_c6_pool22'],
  ['fitnet', fitnet, () => t, 'fitnet'],
  ['attention-transfer p=2', (a, b) => attentionTransfer(a, b), () => t6, 'at_p2'],
  ['attention-transfer p=1', (a, b) => attentionTransfer(a, b, { p: 1 }), () => t6, 'at_p1'],
];

describe('baseline losses vs PyTorch goldens', () => {
  it.each(cases)('%s', (_n, f, teacher, key) => {
    expectClose(value(f(s, teacher())), g.expected[key], 1e-5, 1e-7);
  });

  it.each(cases)('%s: identical inputs give 0', (_n, f, teacher) => {
    const x = teacher();
    expect(Math.abs(value(f(x, x)))).toBeLessThan(1e-6);
  });

  it.each(cases)('%s: gradient matches finite differences', (_n, f, teacher) => {
    checkGradient((x) => f(x as tf.Tensor4D, teacher()), s);
  });

  it.each(cases)('%s: finite value and gradient on zeros, constants and ±80 logits', (_n, f, teacher) => {
    const shape = s.shape;
    const inputs = [
      tf.zeros(shape),
      tf.fill(shape, 3),
      tf.where(tf.greater(s, 0), tf.fill(shape, 80), tf.fill(shape, -80)),
    ] as tf.Tensor4D[];
    const tt = teacher();
    const tInputs = [
      tf.zerosLike(tt),
      tf.fill(tt.shape, -2),
      tf.where(tf.greater(tt, 0), tf.fill(tt.shape, -80), tf.fill(tt.shape, 80)),
    ] as tf.Tensor4D[];
    for (const a of inputs) {
      for (const b of tInputs) {
        const l = f(a, b);
        const gr = tf.grad((x) => f(x as tf.Tensor4D, b))(a);
        expect(Number.isFinite(l.dataSync()[0])).toBe(true);
        expect(allFinite(gr)).toBe(true);
        tf.dispose([l, gr]);
      }
    }
    tf.dispose([...inputs, ...tInputs]);
  });

  it.each(cases)('%s: no tensor leak (forward and backward)', (_n, f, teacher) => {
    expectNoLeak(() => f(s, teacher()));
    expectNoLeak(() => tf.grad((x) => f(x as tf.Tensor4D, teacher()))(s));
  });
});

describe('baseline input checks', () => {
  it('names both tensors and shapes on a mismatch', () => {
    expect(() => pixelKl(s, t6)).toThrow(/student \[2,5,7,4\] and teacher \[2,5,7,6\]/);
    expect(() => channelWiseDistillation(s, t6)).toThrow(/student \[2,5,7,4\] and teacher \[2,5,7,6\]/);
    expect(() => pairwiseAffinity(s, tf.zeros([2, 4, 7, 4]) as tf.Tensor4D)).toThrow(
      /student \[2,5,7,4\] and teacher \[2,4,7,4\]/,
    );
    expect(() => fitnet(s, t6)).toThrow(/student \(after connector\) \[2,5,7,4\] and teacher \[2,5,7,6\]/);
    expect(() => pixelKl(s, t, { T: 0 })).toThrow(/T must be/);
  });

  it('ceil-mode max-pool keeps the partial last window', () => {
    const x = tf.tensor4d([1, 5, 3, 2, 4, 6, 0, 9, 8, 7, 1, 2, 3, 4, 5], [1, 3, 5, 1]);
    expect(Array.from(maxPoolCeil(x, [2, 2]).dataSync())).toEqual([6, 9, 7, 2, 4, 5]);
    expect(maxPoolCeil(x, [4, 4]).shape).toEqual([1, 1, 2, 1]);
  });
});
