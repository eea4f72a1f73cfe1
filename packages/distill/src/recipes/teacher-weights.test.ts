import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs, type RunContext } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { createModel, encodeSafetensors, saveModel, sharedWeightsFile } from '@kd/models';
import { sodDataRoots, sodLoaders } from './sod/sod-data.ts';
import { sodRecipe, sodTeacher, type SodSweepConfig } from './sod/sod-recipe.ts';
import { sodRow } from './sod/sod-train.ts';

/** A tiny SOD sweep: TinySOD pair at 32², 16 train / 8 test images. */
const CFG: SodSweepConfig = {
  role: 'teacher',
  model: 'tinysod-s',
  loss: 'bce',
  data: 'synthetic',
  unlabeled: 'synthetic',
  size: 32,
  n_train: 16,
  n_unlabeled: 8,
  batch: 8,
  workers: 0,
  teacher: 'tinysod-l',
  teacher_width: 1,
  teacher_channels: 1,
  teacher_epochs: 1,
  epochs: 1,
  kd_epochs: 1,
  lr: 0.002,
  adam_beta2: 0.999,
  teacher_cache: false,
  teacher_weights: '',
  teacher_backbone_weights: 'none',
  student_backbone_weights: 'none',
};
const MBV3 = sharedWeightsFile('mobilenetv3_large_x0_5_imagenet_paddleocr.safetensors');
const sha256sum = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
const scratch = scratchDirs();

function runContext(root: string, log: Record<string, unknown>[]): RunContext {
  const runDir = path.join(root, 'run');
  fs.mkdirSync(runDir, { recursive: true });
  return {
    seed: 1,
    rng: new Rng(1),
    backend: { label: 'cpu' },
    gitHash: 'test',
    dataRoot: path.join(root, 'data'),
    runDir,
    cacheDir: path.join(root, 'cache'),
    progress: false,
    deferBusyTeacher: false,
    log: (r: Record<string, unknown>) => log.push(r),
    checkpoint: { everySteps: null, minutes: 60 },
  } as unknown as RunContext;
}

/** Saves a TinySOD-L with seeded weights (`seed`) in saveModel format; returns the folder. */
async function savedTeacher(dir: string, seed: number): Promise<string> {
  const m = createModel('tinysod-l', { rng: new Rng(seed) });
  await saveModel(m, dir);
  m.dispose();
  return dir;
}

describe('teacher_weights and init provenance in the sod recipe', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => scratch.removeAll());

  it("a saveModel folder is loaded instead of trained: no teacher phase in the log, the row is that model's evaluation", async () => {
    const root = scratch.make('kd-tw-');
    const folder = await savedTeacher(path.join(root, 'exported', 'student'), 7);
    const log: Record<string, unknown>[] = [];
    const run = runContext(root, log);
    const row = await sodRecipe({ ...CFG, teacher_weights: folder }, run, []);
    expect(log.filter((r) => r.phase === 'teacher')).toEqual([]);
    // the same model evaluated directly
    const ref = createModel('tinysod-l', { rng: new Rng(7) });
    const test = sodLoaders(CFG, await sodDataRoots(CFG, run.dataRoot), 1, ref.normalization).test();
    const want = await sodRow(ref, test, CFG.size);
    await test.close();
    ref.dispose();
    for (const k of ['MAE', 'maxFm', 'meanFm', 'Smeasure', 'adpEm', 'params', 'n_test']) expect(row[k]).toBe(want[k]);
    const sha = execFileSync(
      'sh',
      ['-c', `cd '${folder}' && for f in $(ls | sort); do printf '%s\\0' "$f"; cat "$f"; done | sha256sum`],
      { encoding: 'utf8' },
    ).split(' ')[0];
    expect(row.teacher_init).toBe(`loaded:student:${sha.slice(0, 12)}`);
    expect(row.student_init).toBe('none');
  });

  it('the store key includes the content hash: another file is another teacher, the same file a cache hit', async () => {
    const root = scratch.make('kd-tw-');
    const run = runContext(root, []);
    const a = await savedTeacher(path.join(root, 'a'), 7),
      b = await savedTeacher(path.join(root, 'b'), 8);
    const ta = await sodTeacher({ ...CFG, teacher_weights: a }, run);
    const tb = await sodTeacher({ ...CFG, teacher_weights: b }, run);
    const ta2 = await sodTeacher({ ...CFG, teacher_weights: a }, run);
    expect(tb.key).not.toBe(ta.key);
    expect([ta.trained, tb.trained, ta2.trained, ta2.key]).toEqual([true, true, false, ta.key]);
    expect(ta2.row.teacher_init).toBe(ta.row.teacher_init);
    for (const t of [ta, tb, ta2]) t.model.dispose();
  });

  it('refuses a missing path naming the key, another architecture, and a .safetensors that does not match (first three named)', async () => {
    const root = scratch.make('kd-tw-');
    const run = runContext(root, []);
    await expect(sodTeacher({ ...CFG, teacher_weights: path.join(root, 'nope') }, run)).rejects.toThrow(
      `teacher_weights: not found: ${path.join(root, 'nope')}`,
    );
    const small = createModel('tinysod-s', { rng: new Rng(1) });
    await saveModel(small, path.join(root, 'small'));
    await expect(sodTeacher({ ...CFG, teacher_weights: path.join(root, 'small') }, run)).rejects.toThrow(
      /teacher_weights: holds 'tinysod-s', the configured teacher is 'tinysod-l'/,
    );
    const st = path.join(root, 'small.safetensors');
    fs.writeFileSync(
      st,
      encodeSafetensors(
        new Map(small.namedParameters().map(([k, v]) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }])),
      ),
    );
    small.dispose();
    await expect(sodTeacher({ ...CFG, teacher_weights: st }, run)).rejects.toThrow(
      /^teacher_weights: .*small\.safetensors: does not match the model; nothing loaded\. missing from file \(\d+\): [^,]+, [^,]+, [^,]+, … \d+ more\. .*wrong shape \(\d+\): /,
    );
  });

  it.skipIf(!fs.existsSync(MBV3))(
    'student rows record student_init: scratch for none, imagenet:<sha256sum prefix> for imagenet',
    async () => {
      const root = scratch.make('kd-tw-');
      const cfg = { ...CFG, role: 'student', model: 'scfnet-mbv3-x0.5', loss: 'scfnet' };
      const none = await sodRecipe(
        { ...cfg, student_backbone_weights: 'none' },
        runContext(path.join(root, 'none'), []),
        [],
      );
      const imnet = await sodRecipe(
        { ...cfg, student_backbone_weights: 'imagenet' },
        runContext(path.join(root, 'imagenet'), []),
        [],
      );
      expect([none.teacher_init, none.student_init]).toEqual(['none', 'scratch']);
      expect([imnet.teacher_init, imnet.student_init]).toEqual(['none', `imagenet:${sha256sum(MBV3).slice(0, 12)}`]);
      expect(imnet.MAE).not.toBe(none.MAE);
    },
  );
});
