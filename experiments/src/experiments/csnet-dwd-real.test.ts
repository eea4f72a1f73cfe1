import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGray } from '@kd/data';
import { runSmoke, SHARED_DIR } from '../testing/smoke-cli.ts';

/** 40 real SOD image/mask pairs (../shared/real-data/sod/SOURCES.md), or KD_SHARED_DIR. */
const REAL = path.join(SHARED_DIR, 'real-data', 'sod');
const TRAIN = ['100075', '100098', '101085', '103070', '105019', '106024'];
const VAL = ['109053', '119082', '126007', '134052', '145014'];
const PASCAL = ['148089', '159008'];

let tmp = '';
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * `<root>/DUTS-TR` in CSNet's layout (images/<id>.jpg, GT/<id>.png) and `<root>/ECSSD` in the
 * KD-SCFNet layout of METHODS §1.6 (image/, mask/, test.txt), `<root>/PASCAL-S` in CSNet's, files
 * linked from the real pairs.
 */
function fixture(root: string): void {
  const link = (id: string, dir: string, imgDir: string, maskDir: string) => {
    fs.mkdirSync(path.join(dir, imgDir), { recursive: true });
    fs.mkdirSync(path.join(dir, maskDir), { recursive: true });
    fs.symlinkSync(path.join(REAL, `${id}.jpg`), path.join(dir, imgDir, `${id}.jpg`));
    fs.symlinkSync(path.join(REAL, `${id}.png`), path.join(dir, maskDir, `${id}.png`));
  };
  for (const id of TRAIN) link(id, path.join(root, 'DUTS-TR'), 'images', 'GT');
  for (const id of VAL) link(id, path.join(root, 'ECSSD'), 'image', 'mask');
  fs.writeFileSync(path.join(root, 'ECSSD', 'test.txt'), VAL.join('\n') + '\n');
  // a test benchmark in CSNet's layout; DUTS-TE, HKU-IS and DUT-OMRON are absent (skipped)
  for (const id of PASCAL) link(id, path.join(root, 'PASCAL-S'), 'images', 'GT');
}

/**
 * The full profile's path, CPU-sized: batch 2 (the fixture has 6 training images) and 64² input
 * (224² base-width CSNet steps take seconds each on one wasm thread, ×2 about 4× that); everything
 * else is `full`.
 */
const SMALL = ['batch=2', 'size=64'];

function smokeFull(root: string, out: string) {
  const r = runSmoke('csnet-dwd', { out, dataRoot: root, set: SMALL, timeoutMs: 560_000 });
  return { code: r.status, stderr: r.stderr };
}

/** Every run's stored row and the student step records of its log.jsonl. */
function runs(out: string) {
  const dir = path.join(out, 'smoke', 'runs', 'csnet-dwd');
  return fs
    .readdirSync(dir)
    .filter((h) => fs.existsSync(path.join(dir, h, 'row.json')))
    .map((h) => {
      const stored = JSON.parse(fs.readFileSync(path.join(dir, h, 'row.json'), 'utf8'));
      const log = fs
        .readFileSync(path.join(dir, h, 'log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      return { stored, steps: log.filter((r) => r.phase === 'student' && typeof r.step === 'number') };
    });
}

describe.skipIf(!fs.existsSync(REAL))(
  'csnet-dwd --profile full --smoke on a real-format fixture (needs ../shared/real-data/sod, or KD_SHARED_DIR)',
  () => {
    it('DUTS-TR (CSNet layout) → ECSSD (KD-SCFNet layout): every row ok, 2 steps, 4 images scored at their own size', async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csnet-real-'));
      fixture(tmp);
      const out = path.join(tmp, 'out');
      const r = smokeFull(tmp, out);
      expect(r.stderr.slice(-2000) + r.code).toMatch(/0$/);
      const all = runs(out);
      expect(all.map((a) => a.stored.variant).sort()).toEqual(
        [
          'base widths ×1, BCE',
          'base widths ×1, BCE + DWD, pruned',
          'fixed widths b=13 (released ×1 size), BCE',
          'paper: released ×1 widths (params only)',
          'base widths ×2, BCE',
          'base widths ×2, BCE + DWD, pruned',
          'paper: released ×2 widths (params only)',
        ].sort(),
      );
      // The all-background predictor on the first 4 ECSSD ground truths, read at their own size.
      let bg = 0;
      for (const id of VAL.slice(0, 4)) {
        const g = await readGray(path.join(REAL, `${id}.png`));
        bg += g.data.reduce((s, v) => s + v, 0) / g.data.length / 255 / 4;
      }
      const params: Record<string, number> = {
        'base widths ×1, BCE': 210_985,
        'fixed widths b=13 (released ×1 size), BCE': 96_189,
        'paper: released ×1 widths (params only)': 93_647,
        'base widths ×2, BCE': 788_631,
        'paper: released ×2 widths (params only)': 140_894,
      };
      for (const { stored, steps } of all) {
        const row = stored.row;
        expect(stored.status).toBe('ok');
        expect(row.smoke).toBe(true);
        const base = stored.variant.includes('×2') ? 788_631 : 210_985;
        expect(row.params_base).toBe(base);
        if (params[stored.variant]) expect(row.params).toBe(params[stored.variant]);
        expect(row.param_reduction).toBeCloseTo(1 - row.params / base, 12);
        if (stored.variant.startsWith('paper: released')) {
          // nothing trained or evaluated: the released widths' count against their base (×1 −55.6 %, ×2 −82.1 %)
          expect(steps).toEqual([]);
          expect(row.param_reduction).toBeCloseTo(stored.variant.includes('×2') ? 0.8213 : 0.5561, 4);
          expect(row.MAE).toBeUndefined();
          continue;
        }
        expect(row.n_test).toBe(4);
        expect(steps.map((s) => s.step)).toEqual([1, 2]);
        // lr 1e-4 before the first milestone
        expect(steps.map((s) => s.lr)).toEqual([1e-4, 1e-4]);
        expect(row.MAE_background).toBeCloseTo(bg, 12);
        // metric=salmetric: MAE is SalMetric's, both conventions agree on MAE (no normalisation in either)
        expect(row.MAE).toBe(row.MAE_salmetric);
        expect(row.MAE).toBeGreaterThan(0);
        expect(row.MAE).toBeLessThan(1);
        // the test benchmarks found: ECSSD (= the validation set, same 4 images) and PASCAL-S (2), each at its GT size
        expect(row['ECSSD_MAE']).toBe(row.MAE);
        expect(row['ECSSD_n']).toBe(4);
        expect(row['PASCAL-S_n']).toBe(2);
        expect(row['PASCAL-S_MAE']).toBe(row['PASCAL-S_MAE_salmetric']);
        expect(row['DUTS-TE_n']).toBeUndefined();
      }
      // Nothing synthesised beside the fixture.
      expect(fs.readdirSync(tmp).filter((f) => f.startsWith('synthetic-'))).toEqual([]);
    }, 600_000);
  },
);
