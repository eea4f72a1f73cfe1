import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { ConvTranspose2d } from './conv-transpose2d.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('ConvTranspose2d (PyTorch semantics, NHWC)', () => {
  it('k=2, s=2, p=0: one input pixel scatters the kernel [k,k,out,in]', () => {
    const m = new ConvTranspose2d(new Rng(1), 1, 1, {
      kernel: 2,
      stride: 2,
      padding: 0,
      outputPadding: 0,
      bias: false,
    });
    m.weight.assign(tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]));
    const y = m.forward(tf.ones([1, 1, 1, 1]) as tf.Tensor4D);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    m.dispose();
  });

  it('default padding (k−1)/2 and outputPadding s−1 double H and W: [2,3,5,4] → [2,6,10,3]', () => {
    const m = new ConvTranspose2d(new Rng(1), 4, 3, { kernel: 3, stride: 2 });
    expect(m.forward(tf.zeros([2, 3, 5, 4]) as tf.Tensor4D).shape).toEqual([2, 6, 10, 3]);
    expect(m.countParams()).toBe(3 * 3 * 3 * 4 + 3);
    m.dispose();
  });

  it('rejects outputPadding ≥ stride and padding > kernel − 1', () => {
    expect(() => new ConvTranspose2d(new Rng(1), 1, 1, { kernel: 3, stride: 2, outputPadding: 2 })).toThrow(
      /outputPadding 2 must be < stride 2/,
    );
    expect(() => new ConvTranspose2d(new Rng(1), 1, 1, { kernel: 3, padding: 3 })).toThrow(
      /padding 3 must be <= kernel − 1/,
    );
  });
});
