import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Claim, Rng, isAbandoned, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { createModel, type KdModel } from '@kd/models';
import { afterAll, describe, expect, it } from 'vitest';
import { TeacherBusyError, ensureTeacher } from './teacher-store.ts';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
const scratch = temp.make;
afterAll(temp.removeAll);

const tmp = () => scratch('kdlab-teacher-');
/** A pid that certainly belongs to no live process: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('teacher store', () => {
  it('trains a teacher once, even when two jobs ask at the same time, and later calls load the same weights', async () => {
    await useBackend('cpu');
    const cache = tmp();
    let trainings = 0;
    const train = async () => {
      trainings++;
      await new Promise((r) => setTimeout(r, 300));
      return { model: createModel('csnet-l-x1', { rng: new Rng(3) }), row: { MAE: 0.125 } };
    };
    const spec = { teacher: 'csnet-l-x1', seed: 3 };
    const [a, b] = await Promise.all([ensureTeacher(cache, spec, train), ensureTeacher(cache, spec, train)]);
    expect(trainings).toBe(1);
    expect([a.trained, b.trained].sort()).toEqual([false, true]);
    expect(a.key).toBe(b.key);
    expect(b.row).toEqual({ MAE: 0.125 });
    const c = await ensureTeacher(cache, spec, train);
    expect(trainings).toBe(1);
    const weights = (m: KdModel) => [...m.stateDict().values()].map((p) => Array.from(p.dataSync()));
    expect(weights(c.model)).toEqual(weights(a.model));
    // A different recipe is a different teacher.
    const d = await ensureTeacher(cache, { ...spec, seed: 4 }, train);
    expect(trainings).toBe(2);
    expect(d.key).not.toBe(a.key);
    for (const t of [a, b, c, d]) t.model.dispose();
    expect(fs.readdirSync(path.join(cache, 'teachers')).sort()).toEqual([a.key, d.key].sort()); // no lock or temp folder left
  });

  it('takes over the lock of a job that was killed while training', async () => {
    await useBackend('cpu');
    const cache = tmp();
    const spec = { teacher: 'csnet-l-x1', seed: 5 };
    // The key is the config hash: find it from a first (cheap) store, then plant a stale lock in a fresh one.
    const probe = await ensureTeacher(tmp(), spec, async () => ({
      model: createModel('csnet-l-x1', { rng: new Rng(5) }),
      row: {},
    }));
    probe.model.dispose();
    const lock = path.join(cache, 'teachers', `${probe.key}.lock`);
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: os.hostname() }));
    expect(isAbandoned(lock)).toBe(true);
    const t = await ensureTeacher(cache, spec, async () => ({
      model: createModel('csnet-l-x1', { rng: new Rng(5) }),
      row: { MAE: 0.5 },
    }));
    expect(t.trained).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
    t.model.dispose();
  });
});

describe('teacher store with defer', () => {
  it('throws TeacherBusyError instead of waiting while another live process trains the teacher', async () => {
    const cache = tmp();
    const spec = { teacher: 'csnet-l-x1', seed: 6 };
    let trained = 0;
    const slow = ensureTeacher(cache, spec, async () => {
      trained++;
      await new Promise((r) => setTimeout(r, 300));
      return { model: createModel('csnet-l-x1', { rng: new Rng(6) }), row: {} };
    });
    await new Promise((r) => setTimeout(r, 50));
    await expect(
      ensureTeacher(
        cache,
        spec,
        async () => {
          throw new Error('must not train');
        },
        { defer: true },
      ),
    ).rejects.toBeInstanceOf(TeacherBusyError);
    const t = await slow;
    const again = await ensureTeacher(
      cache,
      spec,
      async () => {
        throw new Error('must not train');
      },
      { defer: true },
    );
    expect(trained).toBe(1);
    expect(again.trained).toBe(false);
    t.model.dispose();
    again.model.dispose();
  });
});

describe('claims', () => {
  it('are exclusive while the holder lives, and abandoned when it died or fell silent', () => {
    const dir = tmp();
    const file = path.join(dir, 'claims', 'run-a');
    const first = Claim.tryTake(file)!;
    expect(first).not.toBeNull();
    expect(Claim.tryTake(file)).toBeNull();
    expect(isAbandoned(file)).toBe(false);
    first.release();
    expect(fs.existsSync(file)).toBe(false);
    const again = Claim.tryTake(file)!;
    again.release();

    fs.writeFileSync(file, JSON.stringify({ pid: deadPid(), host: os.hostname() }));
    expect(isAbandoned(file)).toBe(true);
    const taken = Claim.tryTake(file)!;
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);
    taken.release();

    // A live holder on this host is never abandoned, however long it has been silent
    // (a training step blocks the event loop, so its heartbeat timer cannot fire).
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname() }));
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(file, old, old);
    expect(isAbandoned(file)).toBe(false);
    // A holder on another host is judged by its heartbeat: silent for over 10 min ⇒ abandoned.
    fs.writeFileSync(file, JSON.stringify({ pid: 1, host: 'another-host' }));
    expect(isAbandoned(file)).toBe(false);
    const stale = new Date(Date.now() - 660_000);
    fs.utimesSync(file, stale, stale);
    expect(isAbandoned(file)).toBe(true);
  });
});
