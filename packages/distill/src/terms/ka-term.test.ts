import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { kaStrides, type KnowledgeAdaptation } from '@kd/losses';
import { createModel } from '@kd/models';
import { TapRecorder, type DenseModel } from '@kd/nn';
import { useBackend } from '@kd/runtime';
import { KA_AE_OPTIMIZER, kaTerm } from './ka-term.ts';

const feat = (m: DenseModel, x: tf.Tensor4D) => {
  const r = new TapRecorder(new Set(['feat']));
  m.forward(x, { recorder: r });
  return r.features.get('feat')!;
};

describe('ka term', () => {
  beforeAll(() => useBackend('cpu'));

  it('kaStrides: products 1/2/4/8 with the stride-2 convs first; others refused', () => {
    expect([1, 2, 4, 8].map(kaStrides)).toEqual([
      [1, 1, 1],
      [2, 1, 1],
      [2, 2, 1],
      [2, 2, 2],
    ]);
    expect(() => kaStrides(16)).toThrow(/must be 1, 2, 4 or 8/);
  });

  it("the autoencoder's code lies on the student's grid at OS8/16/32 (teacher feat at stride 4, input 64×128)", () => {
    const rng = new Rng(3);
    const teacher = createModel('deeplabv3plus-r50', { rng: rng.fork('t'), numClasses: 19, width: 0.125 });
    const x = tf.randomUniform([1, 64, 128, 3]) as tf.Tensor4D;
    const shapes: Record<string, number[][]> = {};
    for (const os of [8, 16, 32]) {
      const student = createModel(`fcn-mbv2-os${os}`, { rng: rng.fork(`s${os}`), numClasses: 19, width: 0.35 });
      const term = kaTerm(rng.fork('ka'), student, teacher, 'feat', 'feat', {
        beta: 50,
        gamma: 1,
        aeEpochs: 1,
        ...KA_AE_OPTIMIZER,
      });
      const ka = term.module as KnowledgeAdaptation;
      tf.tidy(() => {
        shapes[os] = [ka.autoencoder.encode(feat(teacher, x)).shape, feat(student, x).shape.slice(0, 3)];
      });
      expect(term.stage!.optimizer).toEqual({
        kind: 'sgd',
        lr: 0.1,
        momentum: 0.9,
        weightDecay: 1e-4,
        schedule: 'constant',
      });
      term.module!.dispose();
      student.dispose();
    }
    // [code shape, student feat N,H,W]: code channels = half the 32-channel teacher feat (×0.125).
    expect(shapes).toEqual({
      8: [
        [1, 8, 16, 16],
        [1, 8, 16],
      ],
      16: [
        [1, 4, 8, 16],
        [1, 4, 8],
      ],
      32: [
        [1, 2, 4, 16],
        [1, 2, 4],
      ],
    });
    teacher.dispose();
    x.dispose();
  });
});
