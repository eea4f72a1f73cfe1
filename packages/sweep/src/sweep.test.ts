import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { gridPoints } from './expand.ts';
import { mergeSweeps } from './merge.ts';
import { readFinishedRuns } from './run-store.ts';
import { parseShard, resolveShard, takeShard } from './shard.ts';
import { toySweep } from './testing/toy-sweep.ts';
import { parseCsv, type ResultRow } from '@kd/bench/tables';
import { combineRawRows } from './raw-rows.ts';
import { checkClaims } from './check-claims.ts';
import { rawRowsOf, readPerImage, writeTablesFromRaw } from './sweep-tables.ts';
import { expandSweep } from './expand.ts';
import { sweepEta } from './run-sweep.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../../..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(HERE, 'testing', 'toy-sweep-main.ts');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-sweep-'));
const runToy = (out: string, shard = '0/1') => {
  const r = spawnSync(TSX, [MAIN, out, shard], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ran: number; skipped: number; total: number };
};
const rawRuns = (out: string) =>
  fs
    .readFileSync(path.join(out, 'toy.raw.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').pop()!);

describe('sweep engine', () => {
  it('expands grids and shards deterministically', () => {
    expect(gridPoints({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(takeShard([0, 1, 2, 3, 4], { index: 1, count: 2 })).toEqual([1, 3]);
    expect(
      resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '4' }),
    ).toEqual({ index: 1, count: 4 });
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: '2', KD_SHARD_COUNT: '3' })).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('--shard', '2/2')).toThrow(/--shard: expected K\/N with 0 <= K < N, got '2\/2'/);
  });

  it('runs every (variant, grid point, seed) once, records a NaN loss as failed and goes on, and resumes without rerunning', () => {
    const out = tmp();
    expect(runToy(out)).toEqual({ ran: 18, skipped: 0, total: 18 });
    const csv = fs.readFileSync(path.join(out, 'toy.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('variant,k,seeds,n_test,score,score_std,paper_score,backend,threads,git_hash');
    expect(csv).toHaveLength(1 + 4); // baseline×2 k, better×2 k; the diverging variant has no ok run
    expect(csv[3]).toMatch(/^better,1,1;2;3,,0\.61\d*,/);
    // Claims: 'better' is 0.2 ahead at every seed (± 0.001·rng noise), the diverging row has no finished seed.
    const claims = parseCsv(fs.readFileSync(path.join(out, 'toy.claims.csv'), 'utf8'));
    expect(claims.map((c) => [c.claim, c.seeds, c.agree, c.verdict, c.reason])).toEqual([
      ['better-k1', '1;2;3', '3/3', 'reproduced', '95 % CI above 0'],
      ['diverges', null, '0/0', 'untestable', '0 paired seeds (needs 3)'],
    ]);
    expect(Number(claims[0].mean_diff)).toBeGreaterThan(0.19);
    expect(fs.readFileSync(path.join(out, 'toy.md'), 'utf8')).toMatch(
      /^# toy\n\nengine test sweep\n\n## Claims\n\n\*\*Verdicts: 1 reproduced, 1 untestable\.\*\*/,
    );
    const raw = fs.readFileSync(path.join(out, 'toy.raw.csv'), 'utf8');
    expect(raw.match(/,failed,loss became NaN at step 3,3,/g)).toHaveLength(6);
    expect(fs.readFileSync(path.join(out, 'toy.md'), 'utf8')).toContain(
      'Runs: 18 finished of 18 (6 failed: see toy.raw.csv)',
    );
    expect(runToy(out)).toEqual({ ran: 0, skipped: 18, total: 18 });
    expect(fs.readFileSync(path.join(out, 'toy.csv'), 'utf8').trim().split('\n')).toEqual(csv);
  });

  it('two shards merged give the same table as one unsharded run', () => {
    const whole = tmp(),
      a = tmp(),
      b = tmp(),
      merged = tmp();
    runToy(whole);
    expect(runToy(a, '0/2').ran).toBe(9);
    expect(runToy(b, '1/2').ran).toBe(9);
    expect(mergeSweeps(toySweep, [a, b], merged)).toBe(18);
    for (const f of ['toy.csv', 'toy.claims.csv', 'toy.md'])
      expect(fs.readFileSync(path.join(merged, f), 'utf8')).toBe(fs.readFileSync(path.join(whole, f), 'utf8'));
    // The same tables rebuilt from the two shards' raw CSVs alone (`pnpm exp tables`).
    const rebuilt = tmp();
    writeTablesFromRaw(
      toySweep,
      combineRawRows(toySweep, [path.join(b, 'toy.raw.csv'), path.join(a, 'toy.raw.csv'), path.join(a, 'toy.raw.csv')]),
      rebuilt,
      { total: 18 },
    );
    for (const f of ['toy.csv', 'toy.raw.csv', 'toy.claims.csv', 'toy.md'])
      expect(fs.readFileSync(path.join(rebuilt, f), 'utf8')).toBe(fs.readFileSync(path.join(whole, f), 'utf8'));
    expect(rawRuns(merged)).toEqual(rawRuns(whole));
    for (const d of [whole, a, b, merged, rebuilt]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a sweep killed with SIGKILL mid-way completes on rerun with every row exactly once', async () => {
    const out = tmp();
    // node --import tsx keeps the sweep in this one process (the tsx CLI would run it in a grandchild).
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, out], {
      cwd: REPO_ROOT,
      env: { ...process.env, TOY_SLEEP_MS: '150' },
      stdio: 'ignore',
    });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (readFinishedRuns(out, 'toy').size >= 4) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => child.on('exit', r));
    const before = readFinishedRuns(out, 'toy').size;
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(18);
    const res = runToy(out);
    expect(res.ran + res.skipped).toBe(18);
    expect(res.skipped).toBe(before);
    const runs = rawRuns(out);
    expect(runs).toHaveLength(18);
    expect(new Set(runs).size).toBe(18);
  });

  it('processes started on the same folder share the work: each run exactly once, both return only when all are done', async () => {
    const out = tmp();
    const start = () =>
      new Promise<{ ran: number; skipped: number; total: number }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', MAIN, out], {
          cwd: REPO_ROOT,
          env: { ...process.env, TOY_SLEEP_MS: '80' },
        });
        let stdout = '',
          stderr = '';
        child.stdout.on('data', (d) => {
          stdout += d;
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop()!)) : reject(new Error(stderr)),
        );
      });
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.ran + b.ran).toBe(18);
    expect(a.ran).toBeGreaterThan(0);
    expect(b.ran).toBeGreaterThan(0);
    const runs = rawRuns(out);
    expect(runs).toHaveLength(18);
    expect(new Set(runs).size).toBe(18);
    expect(fs.readdirSync(path.join(out, 'runs', 'toy', '.claims'))).toEqual([]);
  });

  it("a single-seed claim gets a per-image bootstrap interval from the runs' per-image.json", () => {
    const out = tmp();
    runToy(out);
    const specs = expandSweep(toySweep, { profile: 'quick', seeds: [1], overrides: {}, backendLabel: 'cpu' });
    const finished = readFinishedRuns(out, 'toy');
    const raw = rawRowsOf(
      [...finished.values()]
        .filter((r) => r.seed === 1)
        .map((r) => ({ hash: r.hash, variant: r.variant, point: r.point, seed: r.seed, config: {} })),
      finished,
    );
    expect(specs.length).toBe(6);
    for (const r of raw) {
      const base = r.variant === 'better' ? 0.3 : 0.1;
      fs.writeFileSync(
        path.join(out, 'runs', 'toy', String(r.run), 'per-image.json'),
        JSON.stringify({ metric: 'score', reduce: 'mean', names: ['a', 'b'], vectors: [[base], [base + 0.2]] }),
      );
    }
    const one = tmp();
    writeTablesFromRaw(toySweep, raw, one, { total: 6, perImage: (row) => readPerImage(out, 'toy', row.run) });
    const [c] = parseCsv(fs.readFileSync(path.join(one, 'toy.claims.csv'), 'utf8'));
    expect([c.seeds, c.verdict, c.boot_low, c.boot_high]).toEqual([1, 'untestable', 0.2, 0.2]);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(one, { recursive: true, force: true });
  });

  it('profiles: `only` keeps a row out of a profile, medium is refused where undeclared, a claim on an absent row is listed apart', () => {
    const exp = {
      ...toySweep,
      profiles: { ...toySweep.profiles, medium: { scale: 3 } },
      variants: toySweep.variants.map((v) =>
        v.label === 'diverges' ? { ...v, only: ['medium' as const, 'full' as const] } : v,
      ),
    };
    const rows = (profile: 'quick' | 'medium' | 'full') =>
      expandSweep(exp, { profile, seeds: [1], overrides: {}, backendLabel: 'cpu' });
    expect(new Set(rows('quick').map((s) => s.variant))).toEqual(new Set(['baseline', 'better']));
    expect(rows('medium').map((s) => [s.variant, s.config.scale])).toEqual([
      ['baseline', 3],
      ['baseline', 3],
      ['better', 3],
      ['better', 3],
      ['diverges', 3],
      ['diverges', 3],
    ]);
    // same config ⇒ same hash whatever the profile: a medium run reuses the quick one it equals
    const q = expandSweep(exp, { profile: 'quick', seeds: [1], overrides: { scale: 3 }, backendLabel: 'cpu' });
    expect(q[0].hash).toBe(rows('medium')[0].hash);
    expect(() => expandSweep(toySweep, { profile: 'medium', seeds: [1], overrides: {}, backendLabel: 'cpu' })).toThrow(
      '--profile medium: toy has no medium profile; it has quick, full',
    );
    const raw: ResultRow[] = [1, 2, 3].flatMap((seed) =>
      ['baseline', 'better'].map((variant) => ({
        variant,
        k: 1,
        seed,
        status: 'ok',
        score: variant === 'better' ? 0.5 + seed / 100 : 0.2,
      })),
    );
    const out = tmp();
    writeTablesFromRaw(exp, raw, out, { total: 6 });
    expect(
      parseCsv(fs.readFileSync(path.join(out, 'toy.claims.csv'), 'utf8')).map((c) => [c.claim, c.verdict]),
    ).toEqual([['better-k1', 'reproduced']]);
    expect(fs.readFileSync(path.join(out, 'toy.md'), 'utf8')).toContain(
      'Not judged in this table (a row was not run in this profile): `diverges` (diverges vs baseline).',
    );
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('profiles: `onlyAt` runs a row at the listed grid values of a profile only (every point elsewhere)', () => {
    const exp = {
      ...toySweep,
      variants: toySweep.variants.map((v) => (v.label === 'better' ? { ...v, onlyAt: { quick: { k: [2] } } } : v)),
    };
    const rows = (profile: 'quick' | 'full') =>
      expandSweep(exp, { profile, seeds: [1], overrides: {}, backendLabel: 'cpu' }).map(
        (s) => `${s.variant}@${s.point.k}`,
      );
    expect(rows('quick')).toEqual(['baseline@1', 'baseline@2', 'better@2', 'diverges@1', 'diverges@2']);
    expect(rows('full')).toEqual(['baseline@1', 'baseline@2', 'better@1', 'better@2', 'diverges@1', 'diverges@2']);
  });

  it('claims naming a missing row, metric or grid point are refused at registration', () => {
    const bad = (claim: object) => () => checkClaims({ ...toySweep, claims: [{ ...toySweep.claims![0], ...claim }] });
    expect(bad({ better: 'bettr' })).toThrow(
      /toy: claim 'better-k1' names row 'bettr'; the rows are: baseline, better, diverges/,
    );
    expect(bad({ metric: 'mIoU' })).toThrow(/uses metric 'mIoU', not one of the table's metrics \(score\)/);
    expect(bad({ at: { k: 3 } })).toThrow(/is taken at k=3, which is not a grid point/);
    expect(() => checkClaims({ ...toySweep, claims: [toySweep.claims![0], toySweep.claims![0]] })).toThrow(
      /declared twice/,
    );
  });
});

describe('sweep progress', () => {
  it('states finished runs and the time left at the mean run time', () => {
    expect(sweepEta('toy', 3, 18, 90)).toBe('toy: 3/18 runs finished; ≈ 23 min left at 1.5 min/run on one worker');
    expect(sweepEta('toy', 17, 18, 30)).toBe('toy: 17/18 runs finished; ≈ 0.5 min left at 0.5 min/run on one worker');
    expect(sweepEta('toy', 18, 18, 30)).toBe('toy: 18/18 runs finished');
  });
});

describe('raw table columns', () => {
  it('keep a column that only later rows carry (runs that predate a new column come first)', () => {
    const out = tmp();
    const rows: ResultRow[] = [
      { variant: 'baseline', k: 1, seed: 1, status: 'ok', score: 0.4, run: 'a' },
      { variant: 'baseline', k: 1, seed: 2, status: 'ok', score: 0.41, n_test: 24, run: 'b' },
    ];
    writeTablesFromRaw(toySweep, rows, out, { total: 2 });
    const back = parseCsv(fs.readFileSync(path.join(out, 'toy.raw.csv'), 'utf8'));
    expect(back.map((r) => r.n_test)).toEqual([null, 24]);
    expect(fs.readFileSync(path.join(out, 'toy.csv'), 'utf8').split('\n')[1]).toMatch(/^baseline,1,1;2,24,/);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe('grouped tables', () => {
  it("a declaration's groupedTables are written into the Markdown in the paper layout, before the full table", () => {
    const out = tmp();
    const rows: ResultRow[] = [
      { variant: 'baseline', k: 1, seed: 1, status: 'ok', score: 0.4, run: 'a' },
      { variant: 'baseline', k: 1, seed: 2, status: 'ok', score: 0.5, run: 'b' },
    ];
    const exp = {
      ...toySweep,
      groupedTables: [
        {
          title: 'Paper',
          lead: [{ key: 'variant' }],
          groups: [{ label: 'toy', keys: ['score'] }],
          metricLabels: ['S'],
        },
      ],
    };
    writeTablesFromRaw(exp, rows, out, { total: 2 });
    const md = fs.readFileSync(path.join(out, 'toy.md'), 'utf8');
    expect(md).toContain('### Paper\n\n| variant | toy S |\n| :--- | ---: |\n| baseline | 0.450 |\n');
    expect(md.indexOf('### Paper')).toBeLessThan(md.indexOf('## Table'));
    fs.rmSync(out, { recursive: true, force: true });
  });
});
