import * as tf from '@tensorflow/tfjs';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { DET_AUGMENT_DEFAULTS, planDetBatches } from '@kd/data';
import { createModel, type DetectionModel } from '@kd/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Distiller } from '../distiller.ts';
import { detLr } from '../recipes/det/det-recipe.ts';
import { TeacherOutputCache } from '../teacher/output-cache.ts';
import { buildTerms } from '../terms/build-terms.ts';
import type { FsdLevelLoss } from '@kd/losses';
import { planSource } from './step-source.ts';
import { detSamples as samples } from './testing/det-samples.ts';
import { train } from './trainer.ts';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
afterAll(temp.removeAll);

const tinyYolox = (width: number, seed: number) =>
  createModel('yolox-tiny', { rng: new Rng(seed), numClasses: 2, width }) as DetectionModel;
const augment = { ...DET_AUGMENT_DEFAULTS, size: 64, numClasses: 2 };
const TAPS = ['neck.p3', 'neck.p4', 'neck.p5'];
const fsdTerms = (student: DetectionModel, teacher: DetectionModel, options: Record<string, unknown> = {}) =>
  buildTerms(
    TAPS.map((t) => ({ loss: 'fsd', student: t, teacher: t, options })),
    { student, teacher, rng: new Rng(3) },
  );

describe('detection training with FSD terms', () => {
  beforeAll(() => useBackend('cpu'));

  it('fsd binds one term per neck tap, 1×1 align convs when channels differ; needs the batch boxes; intended ≠ literal Gaussian', async () => {
    const student = tinyYolox(0.03125, 1),
      teacher = tinyYolox(0.0625, 2);
    const terms = fsdTerms(student, teacher);
    expect(terms.map((t) => [t.name, t.needs])).toEqual(TAPS.map((t) => [`fsd.${t}`, ['boxes']]));
    expect(terms.map((t) => (t.module as FsdLevelLoss).align?.weight.shape)).toEqual([
      [1, 1, 8, 16],
      [1, 1, 8, 16],
      [1, 1, 8, 16],
    ]);
    const plan = planDetBatches(samples(2, 64), { epochs: 1, batchSize: 2, rng: new Rng(9), augment });
    const values = async (gaussian: string) => {
      const d = new Distiller(student, teacher, fsdTerms(student, teacher, { gaussian }));
      const it = planSource(plan, student.normalization, String).batches({ epoch: 0, step: 0 }, 1);
      const b = (await it.next()).value!;
      const before = tf.memory().numTensors;
      const v = d.check(b);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(b.x);
      d.dispose();
      return v;
    };
    const intended = await values('intended'),
      literal = await values('literal');
    for (const t of TAPS) expect(Number.isFinite(intended[`fsd.${t}`]) && intended[`fsd.${t}`] > 0).toBe(true);
    expect(literal['fsd.neck.p3']).not.toBe(intended['fsd.neck.p3']);
    terms.forEach((t) => t.module?.dispose());
    student.dispose();
    teacher.dispose();
  });

  it('train (wasm): YOLOX objective + FSD, two steps, same numbers for the same seed, no tensor left behind', async () => {
    await useBackend('wasm');
    const data = samples(4, 64);
    const teacher = tinyYolox(0.0625, 2);
    const run = async () => {
      const student = tinyYolox(0.03125, 1);
      const d = new Distiller(student, teacher, fsdTerms(student, teacher, { components: { relation: false } }));
      const plan = planDetBatches(data, { epochs: 1, batchSize: 2, rng: new Rng(9), augment });
      const before = tf.memory().numTensors;
      const steps: number[][] = [];
      const fit = await train({
        model: student,
        source: planSource(plan, student.normalization, String),
        epochs: 1,
        optimizer: { kind: 'adam', lr: 0.01 },
        task: (o, b) => student.loss(o.outputs, b.targets!).total,
        distiller: d,
        callbacks: [{ onStep: (r) => void steps.push([r.parts.task, r.parts['fsd.neck.p3']]) }],
      });
      expect(tf.memory().numTensors).toBe(before);
      d.dispose();
      student.dispose();
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

  it('teacher outputs on disk: another run (other weights, same key) reads the taps back bit-exact without running its teacher', async () => {
    const teacher = tinyYolox(0.0625, 2),
      other = tinyYolox(0.0625, 9),
      student = tinyYolox(0.03125, 1);
    const cache = new TeacherOutputCache(temp.make('kdlab-taps-'), 'teacher-a');
    const plan = planDetBatches(samples(2, 64), { epochs: 1, batchSize: 2, rng: new Rng(9), augment });
    const it = planSource(plan, teacher.normalization, (g) => `seed=1|step=${g}`).batches({ epoch: 0, step: 0 }, 1);
    const b = (await it.next()).value!;
    const values = (o: { taps: Record<string, tf.Tensor4D> }) => TAPS.map((n) => Array.from(o.taps[n].dataSync()));
    const first = new Distiller(student, teacher, fsdTerms(student, teacher), cache);
    const a = first.teacherForward(b.x, b.key);
    const want = values(a);
    tf.dispose([...a.outputs, ...Object.values(a.taps)]);
    const second = new Distiller(student, other, fsdTerms(student, other), cache);
    const before = tf.memory().numTensors;
    const c = second.teacherForward(b.x, b.key);
    expect(cache.hits).toBe(1);
    expect(values(c)).toEqual(want);
    tf.dispose([...c.outputs, ...Object.values(c.taps)]);
    expect(tf.memory().numTensors).toBe(before);
    const miss = second.teacherForward(b.x, 'another step');
    expect(cache.misses).toBe(2);
    expect(values(miss)[0]).not.toEqual(want[0]);
    tf.dispose([...miss.outputs, ...Object.values(miss.taps), b.x]);
    [first, second].forEach((d) => d.dispose());
    [teacher, other, student].forEach((m) => m.dispose());
  });
});
