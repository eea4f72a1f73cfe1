import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng, useBackend } from '@kd/core';
import { bceDiceDeepSupervision, softDiceKd } from '@kd/losses';
import { createModel } from '@kd/models';
import { evaluateSod } from './evaluate-sod.ts';
import { fitSod } from './fit-sod.ts';
import { syntheticSodArrays } from './test-fixtures.ts';

const supervised = (o: tf.Tensor4D[], b: { y: tf.Tensor4D | null }) => bceDiceDeepSupervision(o, b.y!);

describe('fitSod', () => {
  it('200 training steps of the quickstart student leave the live tensor count unchanged', async () => {
    await useBackend('wasm');
    const data = syntheticSodArrays(3, 8, 32);
    const model = createModel('tinysod-s', { rng: new Rng(1) });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const res = await fitSod(model, data, { epochs: 100, batchSize: 4, lr: 1e-3, rng: new Rng(2), progress: false, onStep: () => counts.push(tf.memory().numTensors) }, supervised);
    expect(res.steps).toBe(200);
    expect(counts[199]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('is deterministic for a seed and learns: same losses twice, last epoch below the first', async () => {
    await useBackend('wasm');
    const data = syntheticSodArrays(4, 16, 32);
    const run = async () => {
      const model = createModel('tinysod-s', { rng: new Rng(5) });
      const res = await fitSod(model, data, { epochs: 6, batchSize: 8, lr: 3e-3, rng: new Rng(6), progress: false }, supervised);
      model.dispose();
      return res.epochLoss;
    };
    const a = await run();
    const b = await run();
    expect(b).toEqual(a);
    expect(a[5]).toBeLessThan(a[0] * 0.9);
  });

  it('distils a student from a frozen teacher: teacher weights unchanged, KD loss falls', async () => {
    await useBackend('wasm');
    const data = syntheticSodArrays(7, 16, 32, false);
    const teacher = createModel('tinysod-l', { rng: new Rng(8) });
    const student = createModel('tinysod-s', { rng: new Rng(9) });
    const snapshot = teacher.trainableVariables().map((v) => v.dataSync().slice());
    const res = await fitSod(student, data, { epochs: 5, batchSize: 8, lr: 3e-3, rng: new Rng(10), progress: false }, (o, _b, t) => softDiceKd(o, t!), teacher);
    teacher.trainableVariables().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(snapshot[i])));
    expect(res.epochLoss[4]).toBeLessThan(res.epochLoss[0]);
    teacher.dispose();
    student.dispose();
  });

  it('evaluateSod scores a perfect-mask oracle as MAE 0 and maxF 1 (via a model whose output is the mask)', async () => {
    await useBackend('cpu');
    const data = syntheticSodArrays(11, 3, 32);
    const masks = data.masks.map((m) => Float32Array.from(m!, (v) => (v > 128 ? 40 : -40)));
    let call = 0;
    const oracle = {
      name: 'oracle', taps: [], normalization: { mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] },
      forward: (x: tf.Tensor4D) => [tf.tensor4d(masks.slice(call, (call += x.shape[0])).flatMap((m) => Array.from(m)), [x.shape[0], 32, 32, 1])],
      train: () => oracle, eval: () => oracle,
    } as unknown as Parameters<typeof evaluateSod>[0];
    const before = tf.memory().numTensors;
    const ev = await evaluateSod(oracle, data, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(ev.num_images).toBe(3);
    expect(ev.MAE).toBe(0);
    expect(ev.maxFm).toBeCloseTo(1, 12);
  });
});
