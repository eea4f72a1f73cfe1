import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import type { DenseModel } from '@kd/nn';
import { bceDiceDeepSupervision } from '@kd/losses';
import { createModel } from '@kd/models';
import { evaluateSodSource } from '../evaluate-sod-source.ts';
import { loaderSource } from './step-source.ts';
import { sodSource } from './testing/sod-source.ts';
import { train } from './trainer.ts';

const supervised = (o: { outputs: tf.Tensor4D[] }, b: { mask: tf.Tensor4D | null }) =>
  bceDiceDeepSupervision(o.outputs, b.mask!);

describe('train (the one trainer)', () => {
  it('200 training steps of the quickstart student leave the live tensor count unchanged', async () => {
    await useBackend('wasm');
    const model = createModel('tinysod-s', { rng: new Rng(1) });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const res = await train({
      model,
      source: loaderSource(sodSource(3, 8, 32, 4)),
      epochs: 100,
      optimizer: { kind: 'adam', lr: 1e-3 },
      task: supervised,
      callbacks: [{ onStep: () => void counts.push(tf.memory().numTensors) }],
    });
    expect(res.steps).toBe(200);
    expect(counts[199]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('is deterministic for a seed and learns: same losses twice, last epoch well below the first', async () => {
    await useBackend('wasm');
    const run = async () => {
      const model = createModel('tinysod-s', { rng: new Rng(5) });
      const res = await train({
        model,
        source: loaderSource(sodSource(4, 16, 32, 8)),
        epochs: 6,
        optimizer: { kind: 'adam', lr: 3e-3 },
        task: supervised,
      });
      model.dispose();
      return res.epochLoss;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toHaveLength(6);
    expect(a[5]).toBeLessThan(a[0] * 0.9);
  });
});

describe('evaluateSodSource', () => {
  it('scores an oracle that outputs the mask as MAE 0, maxF 1, S ≈ 1, and leaks nothing', async () => {
    await useBackend('cpu');
    const source = sodSource(11, 3, 32, 1, false);
    const masks: Float32Array[] = [];
    for await (const b of source.batches({ epoch: 0, step: 0 }, 1))
      masks.push(Float32Array.from(b.masks!, (v) => (Math.round(v * 255) > 128 ? 40 : -40))); // gt rule: 8-bit > 128
    let call = 0;
    const oracle = {
      name: 'oracle',
      taps: [],
      normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
      forward: () => [tf.tensor4d(masks[call++], [1, 32, 32, 1])],
      train: () => oracle,
      eval: () => oracle,
    } as unknown as DenseModel;
    const before = tf.memory().numTensors;
    const ev = await evaluateSodSource(oracle, source);
    expect(tf.memory().numTensors).toBe(before);
    expect(ev.num_images).toBe(3);
    expect(ev.MAE).toBe(0);
    expect(ev.maxFm).toBeCloseTo(1, 12);
    expect(ev.Smeasure).toBeCloseTo(1, 6);
  });
});
