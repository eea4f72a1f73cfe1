import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, reducePerImage, type PerImageStat } from '@kd/bench';
import { REPO_ROOT } from './paths.ts';

const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts');

/** Runs `pnpm exp …` as a user would (same entry point, no pnpm in between). */
export function exp(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(TSX, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KD_BACKEND: 'wasm', ...env },
    timeout: 280_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pnpm exp: bad input exits 2 with one line naming the flag, writes nothing', () => {
  const out = path.join(os.tmpdir(), `kdlab-cli-bad-${process.pid}`);
  it.each([
    [
      ['run', 'quickstart', '--backend', 'gpu', '--out', out],
      /--backend: unknown value 'gpu'; expected one of: auto, tensorflow, webgpu, wasm, cpu/,
    ],
    [['run', 'nosuch', '--out', out], /unknown experiment 'nosuch'.*Known: .*quickstart/],
    [['run', 'quickstart', '--seed', 'abc', '--out', out], /--seed: expected an integer >= 1, got 'abc'/],
    [
      ['run', 'quickstart', '--profile', 'huge', '--out', out],
      /--profile: unknown value 'huge'; expected one of: quick, medium, full/,
    ],
    [['run', 'quickstart', '--set', 'epochs=3', '--out', out], /--set: unknown key 'epochs'/],
    [['run', 'quickstart', '--jobs', '2', '--out', out], /--jobs: quickstart is not a sweep .*sweeps: .*ablation-bcd/],
    [['run', 'ablation-bcd', '--jobs', '0', '--out', out], /--jobs: expected an integer >= 1, got '0'/],
  ])('%j', (args, message) => {
    const r = exp(args as string[]);
    expect(r.code).toBe(2);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message as RegExp);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a bad --set value type names the key and the expected type', () => {
    const r = exp(['run', 'quickstart', '--set', 'batch=many', '--out', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--set batch: expected a number, got 'many'/);
  });
});

describe('pnpm exp run quickstart (reduced config)', () => {
  const small = [
    '--set',
    'size=32',
    '--set',
    'n_train=16',
    '--set',
    'n_test=8',
    '--set',
    'n_unlabeled=16',
    '--set',
    'batch=8',
    '--set',
    'teacher_epochs=2',
    '--set',
    'student_epochs=2',
    '--set',
    'kd_epochs=2',
    '--quiet',
  ];
  it('writes the CSV with three rows, and the same seed gives identical metric columns', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-qs-'));
    const runs = ['a', 'b'].map((k) => {
      const r = exp([
        'run',
        'quickstart',
        '--seed',
        '3',
        '--out',
        path.join(base, k),
        '--data-root',
        path.join(base, 'data'),
        ...small,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return fs
        .readFileSync(path.join(base, k, 'quickstart.csv'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(','));
    });
    const [header, ...rows] = runs[0];
    expect(header).toEqual([
      'model',
      'method',
      'params',
      'MAE',
      'maxFm',
      'meanFm',
      'adpFm',
      'Smeasure',
      'train_img_s',
      'infer_img_s',
      'seed',
      'backend',
      'threads',
      'git_hash',
    ]);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['tinysod-l', 'teacher (labels)'],
      ['tinysod-s', 'student (labels only)'],
      ['tinysod-s', 'student KD (unlabeled only)'],
    ]);
    const metricCols = ['params', 'MAE', 'maxFm', 'meanFm', 'adpFm', 'Smeasure', 'seed', 'backend'].map((c) =>
      header.indexOf(c),
    );
    const pick = (t: string[][]) => t.slice(1).map((r) => metricCols.map((i) => r[i]));
    expect(pick(runs[1])).toEqual(pick(runs[0]));
    for (const r of rows) {
      expect(Number(r[header.indexOf('MAE')])).toBeGreaterThan(0);
      expect(Number(r[header.indexOf('MAE')])).toBeLessThan(1);
      expect(r[header.indexOf('seed')]).toBe('3');
      expect(r[header.indexOf('backend')]).toBe('wasm-simd-1t');
    }
    const runDir = path.join(base, 'a', 'runs', 'quickstart-seed3');
    expect(JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')).size).toBe(32);
    const log = fs
      .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.filter((e) => e.run === 'teacher')).toHaveLength(4);
    expect(log.every((e) => Number.isFinite(e.loss))).toBe(true);
  });
});

describe('pnpm exp run <sweep> --jobs 2', () => {
  it('two worker processes share one sweep: every run once, the same table as one process', () => {
    const tiny = [
      '--seeds',
      '1',
      '--set',
      'n_train=8',
      '--set',
      'batch=4',
      '--set',
      'epochs=1',
      '--set',
      'teacher_epochs=1',
      '--set',
      'width=32',
      '--set',
      'height=16',
      '--set',
      'n_val=2',
    ];
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-jobs-data-'));
    const one = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-jobs1-')),
      two = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-jobs2-'));
    const r2 = exp(['run', 'ablation-bcd', '--jobs', '2', '--out', two, '--data-root', data, ...tiny]);
    expect(r2.code, r2.stderr).toBe(0);
    const ran = [...r2.stderr.matchAll(/\[job (\d)\] ablation-bcd: (\d+) run\(s\) now/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(ran.map(([k]) => k).sort()).toEqual([0, 1]);
    // quick's 5 rows; `--set epochs=1` makes "no KD (long)" the no-KD run itself (same config hash), so 4 runs
    expect(ran.reduce((s, [, n]) => s + n, 0)).toBe(4);
    expect(ran.every(([, n]) => n >= 1)).toBe(true);
    expect(fs.readdirSync(path.join(two, 'runs', 'ablation-bcd', '.claims'))).toEqual([]);
    const r1 = exp(['run', 'ablation-bcd', '--jobs', '1', '--out', one, '--data-root', data, '--quiet', ...tiny]);
    expect(r1.code, r1.stderr).toBe(0);
    const cells = (dir: string) =>
      fs
        .readFileSync(path.join(dir, 'ablation-bcd.csv'), 'utf8')
        .split('\n')
        .map((l) => l.replace(/,[^,]*$/, ''));
    expect(cells(two)).toEqual(cells(one));
    expect(cells(two).filter(Boolean)).toHaveLength(1 + 5); // header + quick's 5 rows
    // Claims judged on 1 seed: untestable, named; each student run kept its per-image IoU counts, which reduce to its mIoU.
    const claims = parseCsv(fs.readFileSync(path.join(two, 'ablation-bcd.claims.csv'), 'utf8'));
    // quick judges the claims on its rows (the + BD / + CD ones are medium's)
    expect(claims.map((c) => c.claim)).toEqual(['kl-vs-nokd', 'bdcd-vs-kl', 'bcd-vs-nokd', 'bcd-vs-long']);
    expect(claims.map((c) => [c.verdict, c.seeds, typeof c.boot_low, c.n_test])).toEqual(
      Array(4).fill(['untestable', 1, 'number', 2]),
    );
    const raw = parseCsv(fs.readFileSync(path.join(two, 'ablation-bcd.raw.csv'), 'utf8'), {
      textColumns: ['run', 'git_hash'],
    });
    for (const r of raw.filter((x) => x.variant !== 'teacher')) {
      const stat = JSON.parse(
        fs.readFileSync(path.join(two, 'runs', 'ablation-bcd', String(r.run), 'per-image.json'), 'utf8'),
      ) as PerImageStat;
      expect(stat.names).toHaveLength(2);
      expect(
        reducePerImage(
          stat,
          stat.names.map((_, i) => i),
        ),
      ).toBeCloseTo(r.mIoU as number, 12);
    }

    // The report of the finished sweep: the table, training curves and a qualitative grid as PNGs.
    const rep = exp(['report', 'ablation-bcd', '--out', two, '--data-root', data, '--images', '2']);
    expect(rep.code, rep.stderr).toBe(0);
    const dir = path.join(two, 'report', 'ablation-bcd');
    const md = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(md).toContain('| variant | model | seeds | test images | mIoU |');
    expect(md.match(/^\| (teacher|no KD|no KD \(long\)|pixel KL|\+ [^|]+) \| /gm)).toHaveLength(5);
    expect(md).toContain('![student training loss](curves.png)');
    expect(md).toContain('![qualitative grid](grid.png)');
    for (const png of ['curves.png', 'grid.png']) {
      const head = fs.readFileSync(path.join(dir, png)).subarray(0, 24);
      expect(head.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(head.readUInt32BE(16)).toBeGreaterThan(100); // width
      expect(head.readUInt32BE(20)).toBeGreaterThan(100); // height
    }
  });
});
