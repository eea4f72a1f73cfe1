import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { ConvTranspose2d } from '@kd/nn';
import { crossEntropyIgnore } from '../../task/cross-entropy.ts';
import { kaAdaptationLoss } from './ka-adaptation.ts';
import { kaAffinityLoss } from './ka-affinity.ts';
import { KaAutoencoder, autoencoderLoss } from './ka-autoencoder.ts';
import { KnowledgeAdaptation } from './knowledge-adaptation.ts';
import { allFinite, checkGradient, expectClose, expectNoLeak, golden, t4, value } from '../../test-helpers.ts';

const g = golden('ka');
let latent: tf.Tensor4D, adapted: tf.Tensor4D, adapted3: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  latent = t4(g.latent); // [2,4,6,5]
  adapted = t4(g.adapted);
  adapted3 = t4(g.adapted3); // [2,4,6,3]
});

describe('Knowledge Adaptation pieces vs PyTorch goldens', () => {
  it.each([
    [2, 'yStride2'],
    [1, 'yStride1'],
  ] as const)('ConvTranspose2d stride %i equals torch conv_transpose2d', (stride, key) => {
    const m = new ConvTranspose2d(new Rng(1), 4, 3, { kernel: 3, stride, padding: 1 });
    m.weight.assign(tf.tensor(g.convT.weight));
    m.bias!.assign(tf.tensor1d(g.convT.bias));
    const y = m.forward(t4(g.convT.x));
    const want = t4(g.convT[key]);
    expect(y.shape).toEqual(want.shape);
    expect(tf.max(tf.abs(tf.sub(y, want))).dataSync()[0]).toBeLessThan(1e-5);
    checkGradient(
      (w) => {
        const saved = m.weight.clone();
        m.weight.assign(w);
        const out = tf.sum(tf.square(m.forward(t4(g.convT.x)))) as tf.Scalar;
        m.weight.assign(saved);
        saved.dispose();
        return out;
      },
      m.weight,
      { h: 1e-2 },
    );
    m.dispose();
  });

  it('adaptation, affinity, autoencoder and CE-ignore-255 losses', () => {
    expectClose(value(kaAdaptationLoss(latent, adapted)), g.expected.adaptation);
    expectClose(value(kaAffinityLoss(latent, adapted)), g.expected.affinity);
    expectClose(value(kaAffinityLoss(latent, adapted3)), g.expected.affinityC3);
    expectClose(value(autoencoderLoss(latent, t4(g.reconstruction), latent)), g.expected.autoencoder);
    expectClose(value(crossEntropyIgnore(t4(g.logits), tf.tensor3d(g.labels, undefined, 'int32'))), g.expected.ce);
  });

  it('identical inputs give 0; zero maps stay finite with finite gradients', () => {
    expect(value(kaAdaptationLoss(latent, latent))).toBeLessThan(1e-7);
    expect(value(kaAffinityLoss(latent, latent))).toBeLessThan(1e-6);
    const z = tf.zerosLike(latent) as tf.Tensor4D;
    for (const f of [kaAdaptationLoss, kaAffinityLoss]) {
      expect(Number.isFinite(value(f(latent, z)))).toBe(true);
      const gr = tf.grad((x) => f(latent, x as tf.Tensor4D))(z);
      expect(allFinite(gr)).toBe(true);
      const gi = tf.grad((x) => f(latent, x as tf.Tensor4D))(latent); // identical rows
      expect(allFinite(gi)).toBe(true);
      tf.dispose([gr, gi]);
    }
    expect(
      value(
        crossEntropyIgnore(tf.fill([1, 2, 2, 3], 80) as tf.Tensor4D, tf.fill([1, 2, 2], 255, 'int32') as tf.Tensor3D),
      ),
    ).toBe(0);
  });

  it('gradients match finite differences', () => {
    checkGradient((x) => kaAdaptationLoss(latent, x as tf.Tensor4D), adapted, { h: 1e-2, atol: 1e-4 });
    checkGradient((x) => kaAffinityLoss(latent, x as tf.Tensor4D), adapted3);
    checkGradient((x) => crossEntropyIgnore(x as tf.Tensor4D, tf.tensor3d(g.labels, undefined, 'int32')), t4(g.logits));
  });

  it('names both tensors on a shape mismatch', () => {
    expect(() => kaAdaptationLoss(latent, adapted3)).toThrow(
      /latent \(teacher code\) \[2,4,6,5\] and adapted student \[2,4,6,3\]/,
    );
    expect(() => kaAffinityLoss(latent, tf.zeros([2, 3, 6, 5]) as tf.Tensor4D)).toThrow(/\[2,4,6,5\].*\[2,3,6,5\]/);
  });
});

describe('KnowledgeAdaptation two-stage module', () => {
  it('autoencoder maps stride 4 → 16 → 4 and the two stages train the right variables', () => {
    const rng = new Rng(7);
    const ka = new KnowledgeAdaptation(rng, { teacherChannels: 8, studentChannels: 6 });
    const tFeat = tf.tensor4d(new Rng(8).fillNormal(new Float32Array(2 * 8 * 8 * 8), 0, 1), [2, 8, 8, 8]);
    const sFeat = tf.tensor4d(new Rng(9).fillNormal(new Float32Array(2 * 2 * 2 * 6), 0, 1), [2, 2, 2, 6]);
    const { code, reconstruction } = ka.autoencoder.forward(tFeat);
    expect(code.shape).toEqual([2, 2, 2, 4]);
    expect(reconstruction.shape).toEqual([2, 8, 8, 8]);
    tf.dispose([code, reconstruction]);

    // Stage 1: a few SGD steps lower the reconstruction loss.
    const opt = tf.train.adam(1e-2);
    const first = value(ka.autoencoderStageLoss(tFeat));
    for (let i = 0; i < 15; i++) opt.minimize(() => ka.autoencoderStageLoss(tFeat), false, ka.stageVariables());
    const after = value(ka.autoencoderStageLoss(tFeat));
    expect(after).toBeLessThan(first);
    expect(() =>
      ka.studentStageLoss({
        logits: tf.zeros([2, 2, 2, 3]) as tf.Tensor4D,
        labels: tf.zeros([2, 2, 2]) as tf.Tensor3D,
        studentFeature: sFeat,
        teacherFeature: tFeat,
      }),
    ).toThrow(/startStudentStage/);

    // Stage 2: autoencoder frozen, adapters train, loss finite and decreasing.
    ka.startStudentStage();
    const frozen = ka.autoencoder.trainableVariables().map((v) => v.clone());
    const inputs = {
      logits: tf.zeros([2, 2, 2, 3]) as tf.Tensor4D,
      labels: tf.tensor3d([0, 1, 2, 255, 1, 1, 0, 2], [2, 2, 2], 'int32'),
      studentFeature: sFeat,
      teacherFeature: tFeat,
    };
    const loss = () => ka.studentStageLoss(inputs).total;
    const s0 = value(loss());
    const opt2 = tf.train.sgd(0.5);
    for (let i = 0; i < 10; i++) opt2.minimize(loss, false, ka.stageVariables());
    const s1 = value(loss());
    expect(Number.isFinite(s1)).toBe(true);
    expect(s1).toBeLessThan(s0);
    ka.autoencoder
      .trainableVariables()
      .forEach((v, i) => expect(tf.max(tf.abs(tf.sub(v, frozen[i]))).dataSync()[0]).toBe(0));
    expect(() => ka.autoencoderStageLoss(tFeat)).toThrow(/frozen/);
    const parts = ka.studentStageLoss(inputs);
    expectClose(value(parts.total), value(parts.ce) + 50 * value(parts.adapt) + value(parts.affinity), 1e-5);
    expectNoLeak(() => ka.studentStageLoss(inputs));
    tf.dispose([tFeat, sFeat, ...frozen]);
    opt.dispose();
    opt2.dispose();
    ka.dispose();
  });

  it('KaAutoencoder with custom strides keeps the grid', () => {
    const ae = new KaAutoencoder(new Rng(3), { inChannels: 4, channels: [4, 3, 2], strides: [1, 2, 1] });
    const x = tf.ones([1, 6, 6, 4]) as tf.Tensor4D;
    const { code, reconstruction } = ae.forward(x);
    expect(code.shape).toEqual([1, 3, 3, 2]);
    expect(reconstruction.shape).toEqual([1, 6, 6, 4]);
    tf.dispose([x, code, reconstruction]);
    ae.dispose();
  });
});
