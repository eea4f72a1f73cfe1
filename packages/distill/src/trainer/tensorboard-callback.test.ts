import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { crossEntropyIgnore } from '@kd/losses';
import { createModel } from '@kd/models';
import { Distiller } from '../distiller.ts';
import { buildTerms } from '../terms/build-terms.ts';
import { loaderSource } from './step-source.ts';
import { tensorboardCallback, writeEvalScalars } from './tensorboard-callback.ts';
import { segSource } from './testing/seg-source.ts';
import { train } from './trainer.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);
const READER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../tools/reference/tensorboard/read_events.py',
);
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'pass']).status === 0);

/** Scalars of every event file under `dir`, decoded by the independent Python reader: tag → [step, value][]. */
function scalars(dir: string): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('events.out.tfevents.'))) {
    const r = spawnSync(PYTHON!, [READER, path.join(dir, f)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const e of JSON.parse(r.stdout) as { step: number; summary?: { tag: string; simple_value?: number }[] }[]) {
      for (const v of e.summary ?? [])
        if (v.simple_value !== undefined) (out[v.tag] ??= []).push([e.step, v.simple_value]);
    }
  }
  return out;
}

describe('TensorBoard callback', () => {
  it.skipIf(!PYTHON)(
    'writes loss, lr and each part per step for every stage (KA pre-stage included), and eval scalars; an independent reader decodes them',
    async () => {
      await useBackend('cpu');
      const dir = temp.make('kdlab-tb-');
      const teacher = createModel('fcn-mbv2-os8', { rng: new Rng(3), numClasses: 3, width: 0.25 });
      const student = createModel('fcn-mbv2-os16', { rng: new Rng(4), numClasses: 3, width: 0.25 });
      const d = new Distiller(
        student,
        teacher,
        buildTerms(
          [
            { loss: 'ka', student: 'feat', teacher: 'feat', options: { aeEpochs: 1 } },
            { loss: 'pixel-kl', student: 'out', teacher: 'out' },
          ],
          { student, teacher, rng: new Rng(1) },
        ),
      );
      const seen: [string, number, number, number, number][] = [];
      await train({
        model: student,
        source: loaderSource(segSource(2)),
        epochs: 1,
        optimizer: { kind: 'sgd', lr: 0.01, schedule: 'poly' },
        task: (s, b) => crossEntropyIgnore(s.outputs[0], b.label!),
        distiller: d,
        callbacks: [
          tensorboardCallback(dir),
          { onStep: (r) => void seen.push([r.stage, r.step, r.loss, r.lr, r.parts['pixel-kl'] ?? NaN]) },
        ],
      });
      writeEvalScalars(dir, 'student', 2, { mIoU: 0.25, model: 'x' });
      expect(fs.readdirSync(dir).sort()).toEqual(['ka-autoencoder', 'student']);
      const f32 = (v: number) => Math.fround(v);
      const ae = scalars(path.join(dir, 'ka-autoencoder'));
      expect(Object.keys(ae).sort()).toEqual(['loss', 'lr']);
      expect(ae.lr).toEqual([
        [1, f32(0.1)],
        [2, f32(0.1)],
      ]); // KA's autoencoder: plain SGD at its own lr (default 0.1)
      const st = scalars(path.join(dir, 'student'));
      expect(Object.keys(st).sort()).toEqual(['eval/mIoU', 'loss', 'lr', 'parts/ka', 'parts/pixel-kl', 'parts/task']);
      expect(st.loss).toEqual(seen.filter(([s]) => s === 'student').map(([, step, loss]) => [step, f32(loss)]));
      expect(st['parts/pixel-kl']).toEqual(
        seen.filter(([s]) => s === 'student').map(([, step, , , kl]) => [step, f32(kl)]),
      );
      expect(st.lr[1]).toEqual([2, f32(0.01 * Math.pow(0.5, 0.9))]);
      expect(st['eval/mIoU']).toEqual([[2, 0.25]]);
      d.dispose();
      student.dispose();
      teacher.dispose();
    },
  );
});
