import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import type { Batch } from '@kd/data';
import { crossEntropyIgnore } from '@kd/losses';
import { createModel } from '@kd/models';
import { Distiller } from './distiller.ts';
import { TeacherOutputCache } from './teacher/output-cache.ts';
import { pairTerm } from './terms/pair-term.ts';
import { MAIN_OUTPUT } from './terms/term.ts';
import { denseTrainBatch } from './trainer/train-batch.ts';
import { loaderSource, type BatchSource } from './trainer/step-source.ts';
import { train } from './trainer/trainer.ts';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
const scratch = temp.make;
afterAll(temp.removeAll);

/** A deterministic in-memory segmentation source: `steps` batches per epoch of N×16×16 images. */
function toySource(steps: number, N = 2): BatchSource {
  return {
    stepsPerEpoch: steps,
    async *batches(from = { epoch: 0, step: 0 }, untilEpoch = 1) {
      for (let e = from.epoch; e < untilEpoch; e++) {
        for (let s = e === from.epoch ? from.step : 0; s < steps; s++) {
          const rng = new Rng(100 + s);
          const images = rng.fillNormal(new Float32Array(N * 16 * 16 * 3), 0, 1);
          const labels = Uint8Array.from({ length: N * 16 * 16 }, (_, i) => (images[3 * i] > 0 ? 1 : 0));
          yield {
            epoch: e,
            step: s,
            size: N,
            height: 16,
            width: 16,
            names: [`a${s}`, `b${s}`],
            images,
            labels,
            skipped: [],
          } as unknown as Batch;
        }
      }
    },
  };
}

const seg = (name: string, seed: number) => createModel(name, { rng: new Rng(seed), numClasses: 3, width: 0.25 });

describe('Distiller', () => {
  it('checks the wiring before step 1: an impossible pair names the term and both taps', async () => {
    await useBackend('cpu');
    const s = seg('fcn-mbv2-os16', 1),
      t = seg('fcn-mbv2-os8', 2);
    const d = new Distiller(s, t, [pairTerm('pairwise', 1, 'c2', 'feat')]);
    const images = new Float32Array(2 * 16 * 16 * 3);
    const batch = denseTrainBatch({
      epoch: 0,
      step: 0,
      size: 2,
      height: 16,
      width: 16,
      names: ['a', 'b'],
      images,
      skipped: [],
    });
    expect(() => d.check(batch)).toThrow(
      /distillation term 'pairwise' \(student fcn-mbv2-os16:c2 → teacher fcn-mbv2-os8:feat\) failed its dry run/,
    );
    expect(() => new Distiller(s, t, [pairTerm('cwd', 1, 'nope', MAIN_OUTPUT)])).toThrow(/has no tap 'nope'/);
    // a term that needs a batch field the data lacks is named before any compute
    const fsd = new Distiller(s, t, [
      { ...pairTerm('cwd', 1, MAIN_OUTPUT, MAIN_OUTPUT), name: 'needs-boxes', needs: ['boxes'] },
    ]);
    expect(() => fsd.check(batch)).toThrow(
      /distillation term 'needs-boxes' \(student fcn-mbv2-os16:out → teacher fcn-mbv2-os8:out\) needs the batch field 'boxes', which this data does not provide/,
    );
    tf.dispose([batch.x]);
    s.dispose();
    t.dispose();
  });

  it('trains student and terms only (teacher unchanged), no tensor left behind, and a warm cache gives the same run', async () => {
    await useBackend('wasm');
    const dir = scratch('kdlab-distiller-');
    const teacher = seg('fcn-mbv2-os8', 3);
    const snapshot = teacher.trainableVariables().map((v) => Array.from(v.dataSync()));
    const cache = new TeacherOutputCache(dir, TeacherOutputCache.weightsHash(teacher));
    const run = async () => {
      const student = seg('fcn-mbv2-os16', 4);
      const d = new Distiller(
        student,
        teacher,
        [pairTerm('pixel-kl', 1, MAIN_OUTPUT, MAIN_OUTPUT), pairTerm('bcd-context', 5, 'feat', 'feat')],
        cache,
      );
      const losses: number[] = [];
      const before = tf.memory().numTensors;
      await train({
        model: student,
        source: loaderSource(toySource(3)),
        epochs: 1,
        optimizer: { kind: 'adam', lr: 1e-3 },
        callbacks: [{ onStep: (r) => void losses.push(r.loss) }],
        task: (o, b) => crossEntropyIgnore(o.outputs[0], b.label!),
        distiller: d,
      });
      expect(tf.memory().numTensors).toBe(before);
      student.dispose();
      return losses;
    };
    const cold = await run();
    expect([cache.hits, cache.misses]).toEqual([0, 3]);
    const warm = await run();
    expect([cache.hits, cache.misses]).toEqual([3, 3]);
    expect(warm).toEqual(cold);
    teacher.trainableVariables().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(snapshot[i]));
    teacher.dispose();
  });
});
