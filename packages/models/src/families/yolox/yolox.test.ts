import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { normal, withTaps } from '@kd/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, listModels } from '../../registry.ts';

const small = (seed = 1) =>
  createModel('yolox-nano', { rng: new Rng(seed), numClasses: 2, width: 0.125, depthwise: false });

describe('YOLOX', () => {
  beforeAll(() => useBackend('cpu'));

  it('registers nano, tiny, s, m, l', () => {
    expect(listModels('yolox-*')).toEqual(['yolox-l', 'yolox-m', 'yolox-nano', 'yolox-s', 'yolox-tiny']);
  });

  it.each([
    // published (Megvii README / mmdet model zoo, 80 classes): 0.91M, 5.06M, 9.0M (8.97M)
    ['yolox-nano', 912_159],
    ['yolox-tiny', 5_055_855],
    ['yolox-s', 8_968_255],
  ])('%s has %i parameters at 80 classes', (name, params) => {
    const m = createModel(name, { rng: new Rng(1) });
    expect(m.countParams()).toBe(params);
    m.dispose();
  });

  it('outputs per-level head maps and records the declared taps', () => {
    const m = small();
    const x = normal(new Rng(1), [2, 64, 96, 3], 0, 1) as tf.Tensor4D;
    const { outputs, taps } = withTaps(m, ['neck.p3', 'neck.p4', 'neck.p5'])(x);
    expect(outputs.map((o) => o.shape)).toEqual([
      [2, 8, 12, 7],
      [2, 4, 6, 7],
      [2, 2, 3, 7],
    ]);
    for (const spec of m.taps)
      expect(taps[spec.name].shape).toEqual([2, 64 / spec.stride, 96 / spec.stride, spec.channels]);
    expect(m.taps.map((t) => [t.name, t.channels, t.stride])).toEqual([
      ['neck.p3', 32, 8],
      ['neck.p4', 32, 16],
      ['neck.p5', 32, 32],
    ]);
    // cls/obj biases start at the 0.01 prior: σ(b) = 0.01
    const objLogit = outputs[0].slice([0, 0, 0, 4], [1, 1, 1, 1]);
    expect(objLogit.dataSync()[0]).not.toBeNaN();
    expect(1 / (1 + Math.exp(-m.head.at(0).convObj.bias!.dataSync()[0]))).toBeCloseTo(0.01, 6);
    expect(() => m.forward(tf.zeros([1, 48, 64, 3]) as tf.Tensor4D)).toThrow(/multiples of 32/);
    tf.dispose([x, ...outputs, objLogit]);
    m.dispose();
  });

  it('a train step (wasm) leaks no tensor, and a few steps fit a fixed batch', async () => {
    await useBackend('wasm');
    const m = createModel('yolox-tiny', { rng: new Rng(3), numClasses: 2, width: 0.0625 });
    const x = normal(new Rng(2), [2, 64, 64, 3], 0, 1) as tf.Tensor4D;
    const targets = [
      { boxes: [8, 8, 40, 48, 30, 20, 60, 44], classes: [0, 1] },
      { boxes: [], classes: [] }, // an image without boxes: background only
    ];
    const opt = tf.train.adam(0.01);
    const step = () => {
      const l = opt.minimize(() => m.loss(m.forward(x), targets).total, true, m.trainableVariables())!;
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 6; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    // the loss of an image without boxes is objectness only
    let numFg = -1;
    const [total, iou, obj, cls] = tf.tidy(() => {
      const p = m.loss(m.forward(x.slice([1, 0, 0, 0], [1, 64, 64, 3])), [targets[1]]);
      numFg = p.numFg;
      return [p.total, p.iou, p.obj, p.cls].map((t) => t.dataSync()[0]);
    });
    expect(numFg).toBe(0);
    expect([iou, cls]).toEqual([0, 0]);
    expect(total).toBeCloseTo(obj, 6);
    expect(() =>
      tf.tidy(() => {
        m.loss(m.forward(x), [{ boxes: [0, 0, 9, 9], classes: [2] }, targets[1]]);
      }),
    ).toThrow(/class 2 is outside 0..1/);
    x.dispose();
    opt.dispose();
    m.dispose();
    await useBackend('cpu');
  });

  it('detect() returns at most 100 boxes per image inside the input, restores train mode, leaks nothing', () => {
    const m = small(4);
    const x = normal(new Rng(5), [2, 64, 64, 3], 0, 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const dets = m.detect(x, { scoreThreshold: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.training).toBe(true);
    expect(dets).toHaveLength(2);
    for (const d of dets.flat()) {
      expect(d.x1).toBeGreaterThanOrEqual(0);
      expect(d.x2).toBeLessThanOrEqual(64);
      expect(d.score).toBeGreaterThanOrEqual(0);
    }
    expect(dets[0].length).toBeLessThanOrEqual(100);
    x.dispose();
    m.dispose();
  });
});
