import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { Checkpointer } from './checkpoint.ts';
import { runLoop, type LoopSpec } from './loop.ts';
import type { StepSource } from './step-source.ts';
import type { TrainBatch } from './train-batch.ts';

/** 3 epochs × 4 steps of a constant 1×1×1×1 batch (x = 1), counting the batches it yields. */
function countingSource(): StepSource & { yielded: number } {
  const src = {
    yielded: 0,
    stepsPerEpoch: 4,
    async *batches(from: { epoch: number; step: number }, untilEpoch: number) {
      for (let e = from.epoch; e < untilEpoch; e++)
        for (let s = e === from.epoch ? from.step : 0; s < 4; s++) {
          src.yielded++;
          yield {
            x: tf.ones([1, 1, 1, 1]) as tf.Tensor4D,
            mask: null,
            label: null,
            boxes: null,
            targets: null,
            size: 1,
            imageSize: [1, 1],
            epoch: e,
            step: s,
            key: `${e}/${s}`,
          } as TrainBatch;
        }
    },
  };
  return src;
}

const dirs: string[] = [];
beforeAll(() => useBackend('cpu'));
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Minimises (w·x − 3)² for one scalar w = 0 by SGD at lr 0.1 with `maxSteps`, optionally checkpointed. */
async function fit(maxSteps: number | undefined, ck?: Checkpointer) {
  const w = tf.variable(tf.scalar(0));
  const source = countingSource();
  const steps: number[] = [];
  const spec: LoopSpec<null> = {
    stage: 'student',
    source,
    epochs: 3,
    optimizer: { kind: 'sgd', lr: 0.1 },
    variables: [w],
    prepare: () => null,
    release: () => {},
    loss: (b) => ({ total: tf.square(tf.sub(tf.mul(w, b.x.reshape([])), 3)) as tf.Scalar, parts: {} }),
    callbacks: [{ onStep: (r) => void steps.push(r.step) }],
    checkpoint: ck,
    resume: ck?.latest() ?? null,
    maxSteps,
  };
  const res = await runLoop(spec);
  const value = (await w.data())[0];
  w.dispose();
  return { res, steps, value, yielded: source.yielded };
}

describe('runLoop maxSteps (--smoke)', () => {
  it('stops the stage after 2 of its 12 steps, without reading a third batch; w follows two SGD steps', async () => {
    const { res, steps, value, yielded } = await fit(2);
    expect(res.steps).toBe(2);
    expect(res.images).toBe(2);
    expect(steps).toEqual([1, 2]);
    expect(yielded).toBe(2);
    // g = 2(w − 3): w1 = 0 − 0.1·(−6) = 0.6; w2 = 0.6 − 0.1·2·(0.6 − 3) = 1.08 (lr constant).
    expect(value).toBeCloseTo(1.08, 5);
  });

  it('without maxSteps runs all 12 steps', async () => {
    const { res, yielded } = await fit(undefined);
    expect(res.steps).toBe(12);
    expect(yielded).toBe(12);
  });

  it('checkpoints at the cap; a rerun resumes there and takes no further step', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'max-steps-'));
    dirs.push(dir);
    const ck = () => new Checkpointer(dir, { config: 'x' }, { everySteps: null, minutes: 10, keep: 2 }, () => {});
    const first = await fit(2, ck());
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.ckpt'))).toEqual(['1-student-2.ckpt']);
    const again = await fit(2, ck());
    expect(again.res.steps).toBe(2);
    expect(again.steps).toEqual([]);
    expect(first.value).toBeCloseTo(1.08, 5);
    expect(again.value).toBe(0); // runLoop restores no weights (the trainer does): no update was applied
  });
});
