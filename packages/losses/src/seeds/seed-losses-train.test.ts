// Each seed loss drives a few optimiser steps of a tiny student on synthetic data without NaN,
// and the loss goes down. (The real models live in @kd/models, which losses may not import;
// a two-conv student built from core modules stands in.)
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { BatchNorm2d, Conv2d, Module } from '@kd/nn';
import { bcdLoss } from './bcd/bcd.ts';
import { csnetLoss } from './csnet/dynamic-weight-decay.ts';
import { scfnetSupervisedLoss } from './scfnet/scfnet-supervised.ts';
import { softDiceKd } from './scfnet/soft-dice-kd.ts';
import { value } from '../test-helpers.ts';

class TinyNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly heads: Conv2d[];
  constructor(rng: Rng, width: number) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(rng.fork('c1'), 3, width, { kernel: 3 }));
    this.bn1 = this.child('bn1', new BatchNorm2d(width));
    this.conv2 = this.child('conv2', new Conv2d(rng.fork('c2'), width, width, { kernel: 3, stride: 2 }));
    this.heads = [0, 1].map((i) =>
      this.child(`head${i}`, new Conv2d(rng.fork(`h${i}`), width, 1, { kernel: 3, bias: true })),
    );
  }
  forward(x: tf.Tensor4D) {
    const f1 = tf.relu(this.bn1.forward(this.conv1.forward(x))) as tf.Tensor4D; // [N,16,16,w]
    const f2 = tf.relu(this.conv2.forward(f1)) as tf.Tensor4D; // [N,8,8,w]
    const outs = [
      this.heads[0].forward(f1),
      tf.image.resizeNearestNeighbor(this.heads[1].forward(f2), [16, 16]) as tf.Tensor4D,
    ];
    return { f1, f2, outs };
  }
}

/** Discs on noise: image [N,16,16,3], mask [N,16,16,1]. */
function syntheticBatch(rng: Rng, n: number): { image: tf.Tensor4D; mask: tf.Tensor4D } {
  const img = new Float32Array(n * 16 * 16 * 3);
  const mask = new Float32Array(n * 16 * 16);
  for (let b = 0; b < n; b++) {
    const cy = rng.uniform(4, 12),
      cx = rng.uniform(4, 12),
      r = rng.uniform(2.5, 5);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++) {
        const inside = (y - cy) ** 2 + (x - cx) ** 2 < r * r ? 1 : 0;
        mask[(b * 16 + y) * 16 + x] = inside;
        for (let c = 0; c < 3; c++)
          img[((b * 16 + y) * 16 + x) * 3 + c] = inside * (0.5 + 0.2 * c) + rng.normal(0, 0.1);
      }
  }
  return { image: tf.tensor4d(img, [n, 16, 16, 3]), mask: tf.tensor4d(mask, [n, 16, 16, 1]) };
}

let batch: { image: tf.Tensor4D; mask: tf.Tensor4D };
beforeAll(async () => {
  await useBackend('cpu');
  batch = syntheticBatch(new Rng(11), 2);
});

function train(net: TinyNet, loss: () => tf.Scalar, steps = 5, lr = 5e-3, extra: tf.Variable[] = []): [number, number] {
  const opt = tf.train.adam(lr);
  const first = value(loss());
  for (let i = 0; i < steps; i++) {
    const v = opt.minimize(loss, true, [...net.trainableVariables(), ...extra])!;
    expect(Number.isFinite(v.dataSync()[0])).toBe(true);
    v.dispose();
  }
  opt.dispose();
  return [first, value(loss())];
}

describe('seed losses train a tiny student on synthetic data', () => {
  it('SCFNet supervised (dice + PBSM boundary dice)', () => {
    const net = new TinyNet(new Rng(1), 8);
    const [a, b] = train(net, () => tf.tidy(() => scfnetSupervisedLoss(net.forward(batch.image).outs, batch.mask, 0)));
    expect(b).toBeLessThan(a);
    net.dispose();
  });

  it('KD-SCFNet soft dice KD against a teacher', () => {
    const teacher = new TinyNet(new Rng(2), 12).eval();
    const tMain = tf.tidy(() => tf.mul(teacher.forward(batch.image).outs[0], 4) as tf.Tensor4D);
    const net = new TinyNet(new Rng(3), 8);
    const [a, b] = train(net, () => tf.tidy(() => softDiceKd(net.forward(batch.image).outs, tMain)));
    expect(b).toBeLessThan(a);
    tf.dispose(tMain);
    net.dispose();
    teacher.dispose();
  });

  it('CSNet BCE + dynamic weight decay (γ of the BN shrinks faster than with BCE alone)', () => {
    const run = (dwdWeight: number) => {
      const net = new TinyNet(new Rng(4), 8);
      const loss = () =>
        tf.tidy(() => {
          const x = batch.image;
          const act = tf.relu(net.bn1.forward(net.conv1.forward(x))) as tf.Tensor4D;
          return csnetLoss(
            net.forward(x).outs[0],
            batch.mask,
            [{ name: 'bn1', gamma: net.bn1.weight as unknown as tf.Tensor1D, activation: act }],
            { weight: dwdWeight },
          );
        });
      train(net, loss, 5, 1e-2);
      const g = tf.sum(tf.square(net.bn1.weight)).dataSync()[0];
      net.dispose();
      return g;
    };
    expect(run(3.0)).toBeLessThan(run(0));
  });

  it('BCD boundary + context distillation', () => {
    const teacher = new TinyNet(new Rng(5), 12).eval();
    const t = tf.tidy(() => teacher.forward(batch.image));
    const net = new TinyNet(new Rng(6), 8);
    const [a, b] = train(
      net,
      () =>
        tf.tidy(() => {
          const s = net.forward(batch.image);
          return bcdLoss(
            { studentStages: [s.f1, s.f2], teacherStages: [t.f1, t.f2], studentLast: s.f2, teacherLast: t.f2 },
            { boundaryWeight: 1, contextWeight: 1 },
          ).total;
        }),
      5,
      1e-2,
    );
    expect(b).toBeLessThan(a);
    tf.dispose(t);
    net.dispose();
    teacher.dispose();
  });
});
