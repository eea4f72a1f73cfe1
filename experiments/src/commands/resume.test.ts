import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { scratchDirs } from '@kd/core';
import { parseCsv } from '@kd/bench/tables';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

// A tiny ablation-bcd: 8 images at 64×32, batch 4, 3 epochs (6 steps per student), a checkpoint every step.
const SET = ['n_train=8', 'batch=4', 'width=64', 'height=32', 'epochs=3', 'teacher_epochs=1', 'workers=0'].flatMap(
  (s) => ['--set', s],
);
const CLI = path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts');

/** `pnpm exp run ablation-bcd` on the tiny setting; with `killOn`, SIGKILLed as soon as stderr shows it. */
function run(out: string, data: string, killOn?: RegExp) {
  return new Promise<{ code: number | null; err: string }>((resolve) => {
    const args = [
      '--import',
      'tsx',
      CLI,
      'run',
      'ablation-bcd',
      '--seed-list',
      '1',
      '--backend',
      'wasm',
      '--threads',
      '1',
      '--jobs',
      '1',
      '--checkpoint-every',
      '1',
      '--out',
      out,
      '--data-root',
      data,
      ...SET,
    ];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (killOn && killOn.test(err)) child.kill('SIGKILL');
    });
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, err }));
  });
}

const metrics = (out: string) =>
  parseCsv(fs.readFileSync(path.join(out, 'ablation-bcd.raw.csv'), 'utf8')).map((r) => [
    r.variant,
    r.mIoU,
    r.aAcc,
    r.mAcc,
    r.status,
  ]);

describe('pnpm exp run: a sweep SIGKILLed between two checkpoints resumes inside the run', () => {
  it('the rerun prints "resumed student at step N" and its metric columns equal an uninterrupted run\'s', async () => {
    const data = temp.make('kdlab-resume-data-');
    const whole = temp.make('kdlab-resume-a-');
    expect((await run(whole, data)).code).toBe(0);
    const out = temp.make('kdlab-resume-b-');
    // killed inside the first student row (no KD), after its first checkpoint
    const killed = await run(out, data, /checkpoint student step 1\n/);
    expect(killed.code).toBe(null);
    expect(
      fs.existsSync(path.join(out, 'ablation-bcd.raw.csv')) ? metrics(out).filter(([v]) => v === 'no KD') : [],
    ).toEqual([]);
    const resumed = await run(out, data);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(/resumed student at step [1-5]\n/);
    expect(metrics(out)).toEqual(metrics(whole));
    expect(metrics(out)).toHaveLength(5); // quick's rows: teacher, no KD, no KD (long), pixel KL, + BD + CD
  }, 600_000);
});
