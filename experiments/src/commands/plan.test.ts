import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Rng, scratchDirs } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { countModel, createModel } from '@kd/models';
import { runDirOf } from '@kd/sweep';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS, type ExperimentContext } from '../experiment.ts';
import { REPO_ROOT } from '../paths.ts';
import { SWEEPS } from '../sweep/registry.ts';
import { planSweep, type SweepPlan } from './plan.ts';

const scratch = scratchDirs();
afterAll(() => scratch.removeAll());

/** Bytes of every file under `dir`. */
function treeBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce(
      (t, e) => t + (e.isDirectory() ? treeBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size),
      0,
    );
}
const logRecords = (runDir: string, phase: string) =>
  fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l && JSON.parse(l).phase === phase).length;

// A tiny ablation-bcd: 8 images at 64×32 (4 val), batch 4 (2 steps per epoch), 1 epoch each, teacher cache on.
const TINY = {
  n_train: '8',
  n_val: '4',
  batch: '4',
  width: '64',
  height: '32',
  epochs: '1',
  teacher_epochs: '1',
  teacher_cache: 'true',
  workers: '0',
};

describe('exp plan against a real run (ablation-bcd, tiny)', () => {
  let plan: SweepPlan;
  let out: string;
  beforeAll(async () => {
    const backend = await initBackend({ backend: 'wasm', threads: 1 });
    out = scratch.make('kd-plan-');
    const dataRoot = path.join(out, 'data');
    plan = await planSweep(SWEEPS.get('ablation-bcd'), {
      profile: 'quick',
      seeds: [1],
      overrides: TINY,
      backendLabel: backend.label,
      dataDir: dataRoot,
      countRoot: null,
      probe: false,
    });
    const ctx = {
      name: 'ablation-bcd',
      seed: 1,
      seeds: [1],
      backend,
      gitHash: 'test',
      profile: 'quick',
      dataRoot,
      outDir: out,
      runDir: path.join(out, 'runs', 'x'),
      overrides: TINY,
      argv: [],
      progress: false,
      shard: { index: 0, count: 1 },
      jobs: 1,
      checkpointEvery: null,
      teacherCacheBytes: 16e9,
    } as ExperimentContext;
    await EXPERIMENTS.get('ablation-bcd').run(ctx);
  }, 600_000);

  it('plans the stages each row runs: the teacher once, then one student stage per student row', () => {
    // quick rows: teacher, no KD, no KD (long) (its epochs=2 overridden to 1 by TINY), pixel KL, + BD + CD
    expect(plan.runs.map((r) => r.plan.stages.map((s) => `${s.name}:${s.steps}`).join(','))).toEqual([
      'teacher:2',
      'student:2',
      'student:2',
      'student:2',
      'student:2',
    ]);
    expect(plan.total.steps).toBe(10);
  });

  it("steps in the plan == step records in each run's log.jsonl", () => {
    for (const { spec, plan: p } of plan.runs) {
      const dir = runDirOf(out, 'ablation-bcd', spec.hash);
      for (const s of p.stages) expect(logRecords(dir, s.name), `${spec.variant} ${s.name}`).toBe(s.steps);
    }
  });

  it('export bytes == the saved student weights (the .bin shards; model.json is the rest)', () => {
    for (const { spec, plan: p } of plan.runs.slice(1)) {
      const dir = path.join(runDirOf(out, 'ablation-bcd', spec.hash), 'student');
      const bins = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.bin'))
        .reduce((t, f) => t + fs.statSync(path.join(dir, f)).size, 0);
      expect(bins).toBe(p.exportBytes);
      expect(treeBytes(dir) - bins).toBeLessThan(64_000);
    }
  });

  it('teacher-cache bytes == bytes written under the cache folder (one stream per tap set)', () => {
    expect(plan.total.teacher_cache_bytes).toBeGreaterThan(0);
    expect(treeBytes(path.join(out, 'cache', 'teacher-outputs'))).toBe(plan.total.teacher_cache_bytes);
  });

  it("training FLOPs = images · 2 · (3·MACs(student) + MACs(teacher)) with countModel's MACs", () => {
    const macs = (name: string, width: number) => {
      const m = createModel(name, { rng: new Rng(1), numClasses: 19, width } as never);
      const n = countModel(m, [32, 64]).macs;
      m.dispose();
      return n;
    };
    const s = macs('fcn-mbv2-os8', 0.35),
      t = macs('deeplabv3plus-r50', 0.25);
    expect(plan.runs[0].plan.trainFlops).toBe(8 * 2 * 3 * t);
    expect(plan.runs[1].plan.trainFlops).toBe(8 * 2 * 3 * s);
    expect(plan.runs[3].plan.trainFlops).toBe(8 * 2 * (3 * s + t));
  });
});

describe('exp run refuses a plan that does not fit', () => {
  it('--max-disk 1: exit 2, one line naming the knob, no out folder', () => {
    const out = path.join(scratch.make('kd-plan-refuse-'), 'out');
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli.ts', 'run', 'ablation-bcd', '--seeds', '1', '--max-disk', '1', '--out', out],
      { cwd: path.join(REPO_ROOT, 'experiments'), encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^error: plan: the runs need .* but --max-disk 1 allows 1 B/);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);
});
