import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { boundaryBand, boundaryDice, pbsmKernelSize } from './boundary-dice.ts';
import { scfnetSupervisedLoss } from './scfnet-supervised.ts';
import { softDiceKd } from './soft-dice-kd.ts';
import { allFinite, checkGradient, expectClose, expectNoLeak, golden, t4, value } from '../../test-helpers.ts';

const g = golden('scfnet');
let outs: tf.Tensor4D[];
let mask: tf.Tensor4D;
let teacher: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  outs = g.outputs.map(t4); // 4 × [2,16,16,1]
  mask = t4(g.mask);
  teacher = t4(g.teacherMain);
});

describe('KD-SCFNet losses vs PyTorch (Paddle semantics) goldens', () => {
  it('PBSM kernel schedule: 13 for epochs 0–8, −2 every 10 epochs, 1 from epoch 59', () => {
    const ks = [0, 8, 9, 18, 19, 29, 49, 58, 59, 68, 200].map(pbsmKernelSize);
    expect(ks).toEqual([13, 13, 11, 11, 9, 7, 3, 3, 1, 1, 1]);
    expect(() => pbsmKernelSize(-1)).toThrow(/epoch/);
  });

  it.each([0, 9, 30, 59, 68])('supervised loss (dice + boundary dice) at epoch %i', (ep) => {
    expectClose(value(scfnetSupervisedLoss(outs, mask, ep)), g.expected[`supervised_epoch${ep}`]);
    expectClose(value(boundaryDice(outs[0], mask, pbsmKernelSize(ep))), g.expected[`bdice_epoch${ep}`]);
  });

  it('soft dice KD against σ(teacher main)', () => {
    expectClose(value(softDiceKd(outs, teacher)), g.expected.softDiceKd);
  });

  it('boundary band is the inner one-pixel ring of a binary mask', () => {
    const m = tf.tensor4d([0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 5, 5, 1]);
    expect(Array.from(boundaryBand(m).dataSync())).toEqual([
      0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('gradients match finite differences', () => {
    checkGradient((x) => boundaryDice(x as tf.Tensor4D, mask, 5), outs[1], { h: 1e-2 });
    checkGradient((x) => scfnetSupervisedLoss([x as tf.Tensor4D, outs[1]], mask, 40), outs[0]);
    checkGradient((x) => softDiceKd([x as tf.Tensor4D], teacher), outs[2]);
  });

  it('finite on empty foreground, full foreground and ±80 logits', () => {
    const shape = mask.shape;
    const logits = [tf.fill(shape, 80), tf.fill(shape, -80), tf.zeros(shape)] as tf.Tensor4D[];
    const masks = [tf.zeros(shape), tf.ones(shape), mask] as tf.Tensor4D[];
    for (const l of logits) {
      for (const m of masks) {
        const v = value(scfnetSupervisedLoss([l, l], m, 0));
        expect(Number.isFinite(v)).toBe(true);
        const gr = tf.grad((x) => scfnetSupervisedLoss([x as tf.Tensor4D], m, 3))(l);
        expect(allFinite(gr)).toBe(true);
        gr.dispose();
      }
    }
    // An empty mask and a matching saturated prediction: both bands empty, dice → 0.
    expect(value(boundaryDice(tf.fill(shape, -80) as tf.Tensor4D, tf.zeros(shape) as tf.Tensor4D, 13))).toBeCloseTo(
      0,
      6,
    );
    tf.dispose([...logits, masks[0], masks[1]]);
  });

  it('rejects mismatched shapes naming both tensors', () => {
    expect(() => boundaryDice(outs[0], tf.zeros([2, 8, 8, 1]) as tf.Tensor4D, 3)).toThrow(
      /logits \[2,16,16,1\] and mask \[2,8,8,1\]/,
    );
    expect(() => boundaryDice(outs[0], mask, 4)).toThrow(/odd/);
  });

  it('does not leak', () => {
    expectNoLeak(() => scfnetSupervisedLoss(outs, mask, 12));
    expectNoLeak(() => tf.grad((x) => scfnetSupervisedLoss([x as tf.Tensor4D], mask, 12))(outs[0]));
  });
});
