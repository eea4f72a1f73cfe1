import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { readGray, writeGrayPng, writeJpeg } from '@kd/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths.ts';
import { planOutputs } from './output-names.ts';
import { runPredict } from './run-predict.ts';
import { fileGlob, listInputs } from './select-inputs.ts';

/**
 * `predict` on the layout of ../shared/real-data/sod/: each photo `<id>.jpg` beside its mask
 * `<id>.png` in one folder. Built here as a tiny synthetic copy (3 pairs, odd sizes), so the test
 * needs no shared data. The untrained csnet-l-x1 (smallest model predict accepts, 94K parameters) at 32² keeps it fast.
 */
const IDS = ['100075', '100098', '101085'];
const SIZES: [w: number, h: number][] = [
  [40, 30],
  [33, 47],
  [24, 24],
];
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-predict-'));
const sod = path.join(root, 'sod');

beforeAll(async () => {
  useBackend('cpu');
  const rng = new Rng(7, 'predict-test');
  for (const [i, id] of IDS.entries()) {
    const [w, h] = SIZES[i];
    const rgb = Uint8Array.from({ length: w * h * 3 }, () => rng.int(0, 256));
    await writeJpeg(path.join(sod, `${id}.jpg`), rgb, w, h);
    await writeGrayPng(
      path.join(sod, `${id}.png`),
      Uint8Array.from({ length: w * h }, (_, k) => (k % w < w / 2 ? 255 : 0)),
      w,
      h,
    );
  }
  fs.writeFileSync(path.join(sod, 'test.txt'), '# ids\n100075\n\n101085.jpg\n');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const base = { model: 'csnet-l-x1', size: 32, saveLogits: false };
const ls = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : null);

describe('predict: input selection and output names', () => {
  it('a folder of <id>.jpg beside <id>.png is refused, naming both inputs, before anything is written', async () => {
    const out = path.join(root, 'refused');
    await expect(runPredict({ ...base, inputs: [sod], out }, () => {})).rejects.toThrow(
      `--input: '${path.join(sod, '100075.jpg')}' and '${path.join(sod, '100075.png')}' would both be written to '${path.join(out, '100075')}.png'`,
    );
    expect(ls(out)).toBeNull();
  });

  it('the same name in two folders collides too; --keep-ext keeps both photo and mask apart', () => {
    expect(() => planOutputs(['/a/x.jpg', '/b/x.jpg'], '/o')).toThrow(
      /'\/a\/x.jpg' and '\/b\/x.jpg' would both be written to '\/o\/x.png'/,
    );
    const plan = planOutputs(listInputs([sod]), '/o', true);
    expect(plan.map((p) => path.basename(p.stem))).toEqual(IDS.flatMap((id) => [`${id}.jpg`, `${id}.png`]));
  });

  it('--glob and --list pick files; brace alternatives; a list entry found nowhere is an error naming it', () => {
    const names = (files: string[]) => files.map((f) => path.basename(f));
    expect(names(listInputs([sod], { glob: '*.jpg' }))).toEqual(IDS.map((id) => `${id}.jpg`));
    expect(names(listInputs([sod], { glob: '10007?.{jpg,png}' }))).toEqual(['100075.jpg', '100075.png']);
    expect(fileGlob('*.{jpg,jpeg}').test('a.jpeg')).toBe(true);
    expect(fileGlob('*.{jpg,jpeg}').test('a.png')).toBe(false);
    const list = path.join(sod, 'test.txt');
    expect(names(listInputs([sod], { list }))).toEqual(['100075.jpg', '100075.png', '101085.jpg']);
    expect(names(listInputs([sod], { list, glob: '*.jpg' }))).toEqual(['100075.jpg', '101085.jpg']);
    const bad = path.join(root, 'bad.txt');
    fs.writeFileSync(bad, '100075\n999999\n');
    expect(() => listInputs([sod], { list: bad })).toThrow(
      `--list: '${bad}' names 1 image(s) found in no --input folder, first '999999'`,
    );
    expect(() => listInputs([sod], { glob: '*.bmp' })).toThrow(
      /no image in folder .* matches --glob '\*\.bmp' \(6 images there/,
    );
    fs.writeFileSync(bad, 'nosuch\n');
    expect(() => listInputs([sod], { list: bad })).toThrow(
      `--list: '${bad}' names 1 image(s) found in no --input folder, first 'nosuch'`,
    );
  });

  it("--glob '*.jpg' writes exactly one mask per photo, at the photo's size, and leaks no tensor", async () => {
    const out = path.join(root, 'jpg');
    await runPredict({ ...base, inputs: [sod], out, glob: '*.jpg' }, () => {}); // warm-up: kernels, model build
    fs.rmSync(out, { recursive: true });
    const before = tf.memory().numTensors;
    const written = await runPredict({ ...base, inputs: [sod], out, glob: '*.jpg' }, () => {});
    expect(tf.memory().numTensors).toBe(before);
    expect(written).toEqual(IDS.map((id) => path.join(out, `${id}.png`)));
    expect(ls(out)).toEqual(IDS.map((id) => `${id}.png`));
    for (const [i, id] of IDS.entries()) {
      const m = await readGray(path.join(out, `${id}.png`));
      expect([m.width, m.height]).toEqual(SIZES[i]);
    }
  });

  it('--keep-ext writes <id>.jpg.png and <id>.png.png: 2 files per pair', async () => {
    const out = path.join(root, 'keep');
    const written = await runPredict({ ...base, inputs: [sod], out, keepExt: true }, () => {});
    expect(written).toHaveLength(2 * IDS.length);
    expect(ls(out)).toEqual(IDS.flatMap((id) => [`${id}.jpg.png`, `${id}.png.png`]));
  });
});

describe('pnpm exp predict (CLI)', () => {
  it('refuses the collision with exit code 2 and one line, writes nothing; --help lists the models', () => {
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const cli = path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts');
    const out = path.join(root, 'cli-out');
    const r = spawnSync(tsx, [cli, 'predict', '--model', 'csnet-l-x1', '--input', sod, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, KD_BACKEND: 'cpu' },
    });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: --input: '.*100075\.jpg' and '.*100075\.png' would both be written to '.*100075\.png'; .*--keep-ext/,
    );
    expect(ls(out)).toBeNull();
    const help = spawnSync(tsx, [cli, 'predict', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/^Registered models:$/m);
    expect(help.stdout).toMatch(/^ {2}csnet-l-x1 +CSNet learned widths ×1/m);
    expect(help.stdout).toMatch(/^ {2}scfnet-mbv3-x0\.5 +SCFNet student/m);
  });
});
