import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { csnetLoss, dynamicWeightDecay, type BnActivationPair } from './dynamic-weight-decay.ts';
import { expectClose, expectNoLeak, golden, t4, value } from '../../test-helpers.ts';

const g = golden('csnet');
let gammas: tf.Variable[];
let pairs: BnActivationPair[];

beforeAll(async () => {
  await useBackend('cpu');
  gammas = g.gammas.map((v: number[]) => tf.variable(tf.tensor1d(v)));
  pairs = gammas.map((gamma, i) => ({
    name: `stage.${i}.bn`,
    gamma: gamma as unknown as tf.Tensor1D,
    activation: t4(g.activations[i]),
  }));
});

describe('CSNet BCE + dynamic weight decay', () => {
  it('matches the PyTorch reference value', () => {
    expectClose(value(dynamicWeightDecay(pairs)), g.expected.dwd);
    expectClose(value(csnetLoss(t4(g.logits), t4(g.mask), pairs)), g.expected.total);
  });

  it('gradient reaches γ only (activations detached) and equals the reference', () => {
    const { grads } = tf.variableGrads(() => csnetLoss(t4(g.logits), t4(g.mask), pairs), gammas);
    gammas.forEach((v, i) => {
      const got = Array.from(grads[v.name].dataSync());
      (g.expected.gammaGrads[i] as number[]).forEach((e, c) => expectClose(got[c], e, 1e-5, 1e-7));
    });
    tf.dispose(grads);
    // An activation that depends on γ contributes no gradient through the activation path.
    const gamma = gammas[0];
    const dg = tf.grad((gm) =>
      dynamicWeightDecay([{ gamma: gm as tf.Tensor1D, activation: tf.mul(pairs[0].activation, gm) as tf.Tensor4D }], {
        weight: 1,
      }),
    )(gamma);
    const act = tf.mul(pairs[0].activation, gamma);
    const coef = tf.sum(tf.abs(tf.mean(act, [1, 2])), 0);
    const expected = tf.div(tf.mul(coef, gamma), act.shape[0]); // d/dγ 0.5·coef·γ² / B
    expect(Math.max(...Array.from(tf.abs(tf.sub(dg, expected)).dataSync()))).toBeLessThan(1e-6);
    tf.dispose([dg, act, coef, expected]);
  });

  it('zero activations and no pairs give 0; γ/activation mismatch names both shapes', () => {
    expect(value(dynamicWeightDecay([]))).toBe(0);
    expect(
      value(
        dynamicWeightDecay([{ gamma: tf.ones([3]) as tf.Tensor1D, activation: tf.zeros([2, 4, 4, 3]) as tf.Tensor4D }]),
      ),
    ).toBe(0);
    expect(() =>
      dynamicWeightDecay([
        { name: 'b0', gamma: tf.ones([4]) as tf.Tensor1D, activation: tf.zeros([2, 4, 4, 3]) as tf.Tensor4D },
      ]),
    ).toThrow(/b0: gamma \[4\] and activation \[2,4,4,3\]/);
  });

  it('is finite at logits ±80 and does not leak', () => {
    const m = t4(g.mask);
    const v = value(
      csnetLoss(tf.where(tf.greater(m, 0.5), tf.fill(m.shape, 80), tf.fill(m.shape, -80)) as tf.Tensor4D, m, pairs),
    );
    expect(Number.isFinite(v)).toBe(true);
    const logits = t4(g.logits);
    expectNoLeak(() => {
      const { value: v, grads } = tf.variableGrads(() => csnetLoss(logits, m, pairs), gammas);
      return [v, ...Object.values(grads)];
    });
  });
});
