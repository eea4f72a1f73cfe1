import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { crossEntropyIgnore } from '@kd/losses';
import { createModel } from '@kd/models';
import type { Module } from '@kd/nn';
import { Distiller } from '../distiller.ts';
import { buildTerms } from '../terms/build-terms.ts';
import type { TermSpec } from '../terms/term-spec.ts';
import { Checkpointer } from './checkpoint.ts';
import type { OptimizerSpec } from '../optimizer.ts';
import type { EmaSpec } from './ema.ts';
import { loaderSource } from './step-source.ts';
import { segSource } from './testing/seg-source.ts';
import { train } from './trainer.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

class Crash extends Error {}
const seg = (name: string, seed: number) => createModel(name, { rng: new Rng(seed), numClasses: 3, width: 0.25 });
const snapshot = (m: Module) => [...m.stateDict()].map(([k, v]) => [k, Array.from(v.dataSync())] as const);

/**
 * One training of a seg student (optionally distilled with `terms`), with checkpoints in `dir`;
 * `crashAt` = [stage, step] throws right after that step (as a killed process would stop).
 */
async function run(
  dir: string | null,
  o: {
    terms?: TermSpec[];
    optimizer: OptimizerSpec;
    crashAt?: [string, number];
    every?: number;
    lines?: string[];
    ema?: EmaSpec;
  },
) {
  const teacher = seg('fcn-mbv2-os8', 3);
  const student = seg('fcn-mbv2-os16', 4);
  const d = o.terms
    ? new Distiller(student, teacher, buildTerms(o.terms, { student, teacher, rng: new Rng(11) }))
    : undefined;
  const losses: [string, number, number][] = [];
  const checkpoint = dir
    ? new Checkpointer(dir, { config: 'c1', git_hash: 'g' }, { everySteps: o.every ?? 2, minutes: 10, keep: 2 }, (l) =>
        o.lines?.push(l),
      )
    : undefined;
  try {
    const r = await train({
      model: student,
      source: loaderSource(segSource(3)),
      epochs: 2,
      optimizer: o.optimizer,
      task: (s, b) => crossEntropyIgnore(s.outputs[0], b.label!),
      distiller: d,
      checkpoint,
      ema: o.ema,
      callbacks: [
        {
          onStep: (x) => {
            losses.push([x.stage, x.step, x.loss]);
            if (o.crashAt && x.stage === o.crashAt[0] && x.step === o.crashAt[1]) throw new Crash();
          },
        },
      ],
    });
    return {
      losses,
      epochLoss: r.epochLoss,
      weights: snapshot(student),
      terms: d?.terms.map((t) => (t.module ? snapshot(t.module) : [])),
    };
  } finally {
    d?.dispose();
    student.dispose();
    teacher.dispose();
  }
}

const KA: TermSpec[] = [
  { loss: 'ka', student: 'feat', teacher: 'feat', options: { beta: 50, gamma: 1, aeEpochs: 2, aeLr: 0.1 } },
];

describe('checkpoints inside a run', () => {
  for (const [title, opt] of [
    ['Adam', { kind: 'adam', lr: 3e-3 }],
    [
      'SGD momentum + poly lr + weight decay',
      { kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 1e-4, schedule: 'poly' },
    ],
  ] as const) {
    it(`${title}: a run stopped after step 5 and rerun ends bit-identical to an uninterrupted run`, async () => {
      await useBackend('wasm');
      const whole = await run(null, { optimizer: opt });
      const dir = temp.make('kdlab-ckpt-');
      await expect(run(dir, { optimizer: opt, crashAt: ['student', 5] })).rejects.toBeInstanceOf(Crash);
      expect(fs.readdirSync(dir).sort()).toEqual(['1-student-2.ckpt', '2-student-4.ckpt']);
      const lines: string[] = [];
      const before = tf.memory().numTensors;
      const resumed = await run(dir, { optimizer: opt, lines });
      expect(tf.memory().numTensors).toBe(before); // restoring weights and optimizer slots leaves nothing behind
      expect(lines[0]).toBe('resumed student at step 4');
      expect(lines).toContain('checkpoint student step 6');
      expect(resumed.losses.map(([, s]) => s)).toEqual([5, 6]);
      expect(resumed.losses.map(([, , l]) => l)).toEqual(whole.losses.slice(4).map(([, , l]) => l));
      expect(resumed.epochLoss).toEqual(whole.epochLoss);
      expect(resumed.weights).toEqual(whole.weights);
    });
  }

  it('YOLOX SGD (Nesterov, no decay on norm/bias, yolox lr) with EMA: stopped after step 5 and rerun ends bit-identical', async () => {
    await useBackend('wasm');
    const opt: OptimizerSpec = {
      kind: 'sgd',
      lr: 0.01,
      momentum: 0.9,
      nesterov: true,
      weightDecay: 5e-4,
      decayed: (v) => v.rank > 1,
      schedule: 'yolox',
      warmupSteps: 2,
      flatSteps: 1,
      floor: 0.05,
    };
    const ema = { decay: 0.9, ramp: 2 };
    const whole = await run(null, { optimizer: opt, ema });
    const noEma = await run(null, { optimizer: opt });
    expect(whole.weights).not.toEqual(noEma.weights); // the model ends holding the average
    const dir = temp.make('kdlab-ckpt-ema-');
    await expect(run(dir, { optimizer: opt, ema, crashAt: ['student', 5] })).rejects.toBeInstanceOf(Crash);
    const before = tf.memory().numTensors;
    const resumed = await run(dir, { optimizer: opt, ema });
    expect(tf.memory().numTensors).toBe(before);
    expect(resumed.losses.map(([, , l]) => l)).toEqual(whole.losses.slice(4).map(([, , l]) => l));
    expect(resumed.weights).toEqual(whole.weights);
  });

  it('KA: stopped inside the autoencoder pre-stage, then inside the student stage, it still ends bit-identical', async () => {
    await useBackend('wasm');
    const opt = { kind: 'adam', lr: 3e-3 } as const;
    const whole = await run(null, { optimizer: opt, terms: KA });
    const dir = temp.make('kdlab-ckpt-ka-');
    await expect(run(dir, { optimizer: opt, terms: KA, crashAt: ['ka-autoencoder', 3] })).rejects.toBeInstanceOf(Crash);
    const lines: string[] = [];
    await expect(run(dir, { optimizer: opt, terms: KA, crashAt: ['student', 3], lines })).rejects.toBeInstanceOf(Crash);
    expect(lines[0]).toBe('resumed ka-autoencoder at step 2');
    const last = await run(dir, { optimizer: opt, terms: KA, lines });
    expect(lines).toContain('resumed student at step 2');
    expect(last.losses[0]).toEqual(['student', 3, whole.losses.find(([st, s]) => st === 'student' && s === 3)![2]]);
    expect(last.weights).toEqual(whole.weights);
    expect(last.terms).toEqual(whole.terms);
  });

  it('a truncated newest checkpoint is reported and the previous one used; one of another config is refused naming the key', async () => {
    await useBackend('cpu');
    const dir = temp.make('kdlab-ckpt-bad-');
    const m = seg('fcn-mbv2-os16', 4);
    const lines: string[] = [];
    const ck = new Checkpointer(dir, { config: 'c1', git_hash: 'g' }, undefined, (l) => lines.push(l));
    const arrays = (v: number) => [
      { name: 'model.x', shape: [2], dtype: 'float32' as const, data: Float32Array.from([v, v]) },
    ];
    ck.save('student', 2, { a: 1 }, arrays(1));
    ck.save('student', 4, { a: 2 }, arrays(2));
    expect(lines).toEqual(['checkpoint student step 2', 'checkpoint student step 4']);
    const newest = path.join(dir, '2-student-4.ckpt');
    fs.truncateSync(newest, fs.statSync(newest).size - 3);
    const got = ck.latest()!;
    expect([got.stage, got.step, Array.from(got.arrays[0].data)]).toEqual(['student', 2, [1, 1]]);
    expect(lines[2]).toMatch(
      /checkpoint .*2-student-4\.ckpt: truncated \(\d+ of \d+ payload bytes\); using the previous checkpoint/,
    );
    const other = new Checkpointer(dir, { config: 'c2', git_hash: 'g' });
    expect(() => other.latest()).toThrow(
      /belongs to another run: config is "c1" there, "c2" here; delete .* to start this run over/,
    );
    m.dispose();
  });

  it('SIGKILL between two checkpoints: the rerun resumes and ends with the same weights as an uninterrupted run', async () => {
    const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'checkpoint-kill-main.ts');
    const go = (dir: string, killAfter?: string) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', main, dir], {
          env: { ...process.env, STEP_SLEEP_MS: killAfter ? '300' : '0' },
        });
        let out = '',
          err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => {
          err += d;
          if (killAfter && err.includes(killAfter)) child.kill('SIGKILL');
        });
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const whole = await go(temp.make('kdlab-kill-a-'));
    expect(whole.code).toBe(0);
    const dir = temp.make('kdlab-kill-b-');
    const killed = await go(dir, 'checkpoint student step 2\n');
    expect(killed.code).toBe(null);
    const resumed = await go(dir);
    expect(resumed.err).toContain('resumed student at step 2');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toEqual(JSON.parse(whole.out));
  });
});
