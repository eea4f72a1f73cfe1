import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { resizeBilinear, useBackend } from '@kd/runtime';
import { uniform } from '@kd/nn';
import { attentionTransfer, softDiceKd } from '@kd/losses';
import { pairTerm } from './pair-term.ts';
import { softDiceKdTerm } from './soft-dice-kd-term.ts';
import type { TrainBatch } from '../trainer/train-batch.ts';

const batch = {} as TrainBatch;

describe('distillation terms', () => {
  it('softDiceKdTerm reads out:0..k-1 and equals softDiceKd with weights 1, ½, ¼, ⅛', async () => {
    await useBackend('cpu');
    const term = softDiceKdTerm(4);
    expect(term.studentTaps).toEqual(['out:0', 'out:1', 'out:2', 'out:3']);
    expect(term.teacherTaps).toEqual(['out']);
    const [got, want] = tf.tidy(() => {
      const s = [1, 2, 3, 4].map((k) => uniform(new Rng(k), [2, 8, 8, 1], -3, 3) as tf.Tensor4D);
      const t = uniform(new Rng(9), [2, 8, 8, 1], -3, 3) as tf.Tensor4D;
      return [term.compute({ student: s, teacher: [t], batch }).dataSync()[0], softDiceKd(s, t).dataSync()[0]];
    });
    expect(got).toBeCloseTo(want, 6);
    expect(got).toBeGreaterThan(0);
  });

  it('pairTerm alignSpatial resizes the student map to the teacher grid (and refuses without it)', async () => {
    await useBackend('cpu');
    const term = pairTerm('attention-transfer', 1, 'feat', 'aspp', {}, 'at', { alignSpatial: true });
    const plain = pairTerm('attention-transfer', 1, 'feat', 'aspp');
    const [got, want] = tf.tidy(() => {
      const s = uniform(new Rng(1), [2, 8, 8, 5], -1, 1) as tf.Tensor4D;
      const t = uniform(new Rng(2), [2, 4, 4, 7], -1, 1) as tf.Tensor4D;
      expect(() => plain.compute({ student: [s], teacher: [t], batch })).toThrow();
      return [
        term.compute({ student: [s], teacher: [t], batch }).dataSync()[0],
        attentionTransfer(resizeBilinear(s, [4, 4]), t).dataSync()[0],
      ];
    });
    expect(got).toBeCloseTo(want, 6);
    expect(got).toBeGreaterThan(0);
  });
});
