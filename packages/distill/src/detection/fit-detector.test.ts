import * as tf from '@tensorflow/tfjs';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { normal } from '@kd/nn';
import { renderObjectScene, type Sample } from '@kd/data';
import { createModel } from '@kd/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DET_AUGMENT_DEFAULTS } from './det-augment.ts';
import { planDetBatches } from './det-plan.ts';
import { detLr, fitDetector } from './fit-detector.ts';
import { FsdDistiller } from './fsd-distiller.ts';
import { TeacherTapCache } from './teacher-cache.ts';
import { TeacherOutputCache } from '../teacher-cache.ts';
import { makeDetBatch } from './det-batch.ts';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
const scratch = temp.make;
afterAll(temp.removeAll);

/** In-memory synthetic detection samples (classes 0-based), one of them without boxes. */
function samples(n: number, size: number): Sample[] {
  const rng = new Rng(5, 'det-test');
  return Array.from({ length: n }, (_, i) => {
    const s = renderObjectScene(rng.fork(String(i)), size, size, 2);
    const objects = i === 1 ? [] : s.objects.map((o) => ({ cls: o.cls - 1, x1: o.x1, y1: o.y1, x2: o.x2, y2: o.y2, difficult: false, truncated: o.truncated }));
    return { name: `d${i}`, width: size, height: size, image: s.rgb, objects };
  });
}
const tinyYolox = (width: number, seed: number) => createModel('yolox-tiny', { rng: new Rng(seed), numClasses: 2, width });
const augment = { ...DET_AUGMENT_DEFAULTS, size: 64, numClasses: 2 };

describe('detection training with FSD', () => {
  beforeAll(() => useBackend('cpu'));

  it('FsdDistiller: one level per neck tap, 1×1 align convs when channels differ, finite positive loss, no leak', () => {
    const student = tinyYolox(0.03125, 1), teacher = tinyYolox(0.0625, 2);
    const d = new FsdDistiller(new Rng(3), student, teacher);
    expect(d.levels.map((l) => l.align?.weight.shape)).toEqual([[1, 1, 8, 16], [1, 1, 8, 16], [1, 1, 8, 16]]);
    const batch = makeDetBatch(samples(2, 64), student.normalization);
    const before = tf.memory().numTensors;
    const cache = new TeacherTapCache(teacher, d.taps, false);
    const tTaps = cache.get(0, batch.x);
    const value = tf.tidy(() => {
      const sTaps = Object.fromEntries(d.taps.map((n, i) => [n, normal(new Rng(i + 1), [2, 8 / 2 ** i, 8 / 2 ** i, 8], 0, 1) as tf.Tensor4D]));
      const { total, levels } = d.loss(sTaps, tTaps, batch.boxes, batch.size);
      expect(levels).toHaveLength(3);
      return total.dataSync()[0];
    });
    cache.release(tTaps);
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(value) && value > 0).toBe(true);
    // the literal Gaussian and the intended one give different masks, hence losses
    const lit = new FsdDistiller(new Rng(3), student, teacher, { gaussian: 'literal' });
    expect(lit.gaussian).toBe('literal');
    tf.dispose(batch.x);
    [student, teacher, d, lit].forEach((m) => m.dispose());
  });

  it('fitDetector (wasm): student + FSD trains two steps, same numbers for the same seed, no tensor left behind', async () => {
    await useBackend('wasm');
    const data = samples(4, 64);
    const teacher = tinyYolox(0.0625, 2);
    const run = async () => {
      const student = tinyYolox(0.03125, 1);
      const d = new FsdDistiller(new Rng(3), student, teacher, { components: { relation: false } });
      const plan = planDetBatches(data, { epochs: 1, batchSize: 2, rng: new Rng(9), augment });
      const cache = new TeacherTapCache(teacher, d.taps);
      const before = tf.memory().numTensors;
      const steps: [number, number][] = [];
      const fit = await fitDetector(student, plan, { lr: 0.01, progress: false, onStep: (_s, det, kd) => steps.push([det, kd]) }, { distiller: d, teacher: cache });
      // the cache keeps the teacher's 3 taps of each of the 2 steps; everything else is released
      expect(tf.memory().numTensors - before).toBe(6);
      cache.dispose();
      expect(tf.memory().numTensors).toBe(before);
      student.dispose();
      d.dispose();
      return { fit, steps };
    };
    const a = await run();
    const b = await run();
    expect(a.fit.steps).toBe(2);
    expect(a.steps.every(([det, kd]) => Number.isFinite(det) && Number.isFinite(kd) && kd > 0)).toBe(true);
    expect(b.steps).toEqual(a.steps);
    teacher.dispose();
    await useBackend('cpu');
  });

  it('learning-rate schedule: warm-up from lr/10, cosine to 0.05·lr', () => {
    expect(detLr(1, 0, 100, 10)).toBeCloseTo(0.1, 12);
    expect(detLr(1, 10, 100, 10)).toBeCloseTo(1, 12);
    expect(detLr(1, 55, 100, 10)).toBeCloseTo(0.525, 12);
    expect(detLr(1, 100, 100, 10)).toBeCloseTo(0.05, 12);
  });

  it('TeacherTapCache on disk: a second cache (another run) reads the taps back bit-exact without running the teacher', () => {
    const teacher = tinyYolox(0.0625, 2);
    const other = tinyYolox(0.0625, 9); // different weights: if its cache returns teacher's taps, they came from disk
    const taps = ['neck.p3', 'neck.p4', 'neck.p5'];
    const disk = { cache: new TeacherOutputCache(scratch('kdlab-taps-'), 'teacher-a'), keyOf: (step: number) => `seed=1|step=${step}` };
    const batch = makeDetBatch(samples(2, 64), teacher.normalization);
    const values = (t: Record<string, tf.Tensor4D>) => taps.map((n) => Array.from(t[n].dataSync()));
    const first = new TeacherTapCache(teacher, taps, false, disk);
    const a = first.get(0, batch.x);
    const want = values(a);
    first.release(a);
    const before = tf.memory().numTensors;
    const second = new TeacherTapCache(other, taps, false, disk);
    const b = second.get(0, batch.x);
    expect(disk.cache.hits).toBe(1);
    expect(values(b)).toEqual(want);
    second.release(b);
    expect(tf.memory().numTensors).toBe(before);
    const c = second.get(1, batch.x); // a new step is a miss: this cache's own teacher runs
    expect(disk.cache.misses).toBe(2);
    expect(values(c)[0]).not.toEqual(want[0]);
    second.release(c);
    tf.dispose(batch.x);
    teacher.dispose();
    other.dispose();
  });
});
