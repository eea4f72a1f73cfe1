import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredRun } from '@kd/sweep';
import { renderCurves } from './curves.ts';
import { readStudentLog } from './run-log.ts';
import { stackSvgs } from './svg-chart.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-curves-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const line = (o: object) => JSON.stringify(o) + '\n';
/** A run folder with a log.jsonl in the layout the sweep engine writes. */
function run(hash: string, variant: string, records: object[], mIoU: number): StoredRun {
  const dir = path.join(root, 'runs', 'ablation-bcd', hash);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'log.jsonl'), records.map(line).join(''));
  return { hash, variant, point: {}, seed: 1, status: 'ok', row: { mIoU } };
}

describe('report curves: task loss and each term apart, metric per evaluation', () => {
  it('readStudentLog: task = logged total − weighted parts; FSD records use det/kd; eval records per metric', () => {
    const dir = path.join(root, 'log');
    fs.mkdirSync(dir, { recursive: true });
    const f = path.join(dir, 'log.jsonl');
    fs.writeFileSync(
      f,
      [
        line({ phase: 'teacher', step: 1, loss: 9, parts: {} }),
        line({ phase: 'student', step: 1, loss: 5.5, parts: { 'pixel-kl': 0.5, 'bd-last': 2 } }),
        line({ phase: 'student', step: 2, loss: 4.25, parts: { 'pixel-kl': 0.25, 'bd-last': 1 } }),
        line({ phase: 'eval', step: 2, mIoU: 0.3, aAcc: 0.8 }),
        line({ phase: 'student', step: 3, loss: 2, det: 1.5, kd: 0.5 }),
      ].join(''),
    );
    const l = readStudentLog(f);
    expect(l.task).toEqual([
      [1, 3],
      [2, 3],
      [3, 1.5],
    ]);
    expect([...l.terms.entries()]).toEqual([
      [
        'pixel-kl',
        [
          [1, 0.5],
          [2, 0.25],
        ],
      ],
      [
        'bd-last',
        [
          [1, 2],
          [2, 1],
        ],
      ],
      ['FSD (all levels)', [[3, 0.5]]],
    ]);
    expect([...l.evals.entries()]).toEqual([
      ['mIoU', [[2, 0.3]]],
      ['aAcc', [[2, 0.8]]],
    ]);
    expect(l.lastStep).toBe(3);
  });

  it('renders one panel for the task loss, one per term, one for the metric (900×320 each)', async () => {
    const steps = (parts: (s: number) => Record<string, number>) =>
      [1, 2, 3].map((s) => {
        const p = parts(s);
        return { phase: 'student', step: s, loss: 3 + Object.values(p).reduce((a, b) => a + b, 0), parts: p };
      });
    const runs = [
      run(
        'a',
        'no KD',
        steps(() => ({})),
        0.41,
      ),
      run(
        'b',
        'pixel KL',
        steps((s) => ({ 'pixel-kl': 0.1 * s })),
        0.43,
      ),
      run(
        'c',
        '+ BD + CD',
        [
          ...steps((s) => ({ 'pixel-kl': 0.1, 'bd-last': s, 'bcd-context': 0.3 })),
          { phase: 'eval', step: 2, mIoU: 0.2 },
        ],
        0.45,
      ),
      { hash: 'none', variant: 'no log', point: {}, seed: 1, status: 'ok', row: {} } as StoredRun,
    ];
    const file = path.join(root, 'curves.png');
    expect(await renderCurves(file, root, 'ablation-bcd', runs, 'mIoU')).toBe(3);
    const meta = await sharp(file).metadata();
    expect([meta.width, meta.height]).toEqual([900, 5 * 320]); // task, pixel-kl, bd-last, bcd-context, mIoU
    expect(await renderCurves(file, root, 'ablation-bcd', runs.slice(3), 'mIoU')).toBe(0);
  });

  it('stackSvgs places charts one under another', () => {
    const svg = stackSvgs([
      '<svg xmlns="x" width="10" height="5"></svg>',
      '<svg xmlns="x" width="20" height="7"></svg>',
    ]);
    expect(svg.split('\n')[0]).toBe('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="12">');
    expect(svg).toContain('<svg x="0" y="5" xmlns="x" width="20" height="7">');
  });
});
