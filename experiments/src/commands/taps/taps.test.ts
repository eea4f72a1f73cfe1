import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError, Rng, encodeNpy, parseNpy } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { npyToNhwc } from '@kd/losses';
import { createModel, encodeSafetensors, hashStateDict, loadWeights } from '@kd/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths.ts';
import { runTaps } from './run-taps.ts';

/**
 * Weights goldens through `exp taps`. The fixtures (tools/reference/weights/*.py) hold, per
 * model, the reference's state_dict key/shape list, the seed of the shared hash weights (rebuilt
 * here bit for bit, see hash-weights.ts), one NCHW input [1,3,64,64] and the reference's stage
 * outputs: torchvision 0.14 for resnet18/50/101 and mobilenetv2; for yolox-nano/tiny the
 * Megvii-layout module tree rebuilt in megvii_yolox.py (not Megvii's own code, absent here).
 * Each weights file is written in the reference's own key format and imported through the key maps.
 */
const TV = path.join(REPO_ROOT, 'packages/models/src/families/torchvision/fixtures');
const YX = path.join(REPO_ROOT, 'packages/models/src/families/yolox/fixtures');
/**
 * 1e-4, relative to the reference's largest magnitude where that exceeds 1: ResNet-101's
 * random-weight layer3 grows to |x| ≈ 124, where float32 spacing is already 7.6e-6 and
 * 23 residual sums leave 1.8e-4 (1.4e-6 relative).
 */
const TOL = 1e-4;
const tolFor = (ref: string) =>
  TOL *
  Math.max(
    1,
    readNpy(ref).data.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
  );
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-taps-'));

interface Manifest {
  seed: number;
  keys: [string, number[]][];
}
const readNpy = (f: string) => parseNpy(new Uint8Array(fs.readFileSync(f)), f);

/** Writes the hash weights of `manifest` (its first `count` tensors) in the reference's key format; returns the path. */
function weightsFile(manifest: string, name: string, count = Infinity): string {
  const m = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Manifest;
  const file = path.join(tmp, `${name}.safetensors`);
  fs.writeFileSync(file, encodeSafetensors(hashStateDict(m.keys.slice(0, count), m.seed)));
  return file;
}

/** Largest |a − b| over two .npy arrays of equal shape. */
function maxDiff(a: string, b: string): number {
  const x = readNpy(a);
  const y = readNpy(b);
  expect(x.shape, path.basename(a)).toEqual(y.shape);
  let d = 0;
  for (let i = 0; i < x.data.length; i++) d = Math.max(d, Math.abs(x.data[i] - y.data[i]));
  return d;
}

/** resnet18 runs through the CLI below; resnet101 differs from resnet50 only in layer3's depth (its keys are checked in models). */
const TORCHVISION: [string, string[]][] = [
  ['resnet50', ['layer1', 'layer2', 'layer3', 'layer4']],
  ['mobilenetv2', ['features.1', 'features.3', 'features.6', 'features.13', 'features.17', 'features.18']],
];

beforeAll(() => useBackend('wasm'));

describe('weights goldens through exp taps', () => {
  it.each(TORCHVISION)(
    '%s: torchvision state dict → our taps equal torchvision’s stage outputs to 1e-4',
    async (name, taps) => {
      const out = path.join(tmp, name);
      const files = await runTaps({
        model: name,
        weights: weightsFile(path.join(TV, name, 'keys.json'), name),
        input: path.join(TV, 'input.npy'),
        out,
      });
      expect(files.map((f) => f.tap)).toEqual(taps);
      for (const t of taps) {
        const ref = path.join(TV, name, `${t}.npy`);
        expect(maxDiff(path.join(out, `${t}.npy`), ref), `${name} ${t}`).toBeLessThan(tolFor(ref));
      }
    },
  );

  it.each(['nano', 'tiny'])(
    'yolox-%s: Megvii-format state dict → neck taps and head maps equal the reference to 1e-4',
    async (v) => {
      const ref = path.join(YX, `megvii-${v}`);
      const weights = weightsFile(path.join(YX, `megvii-${v}.keys.json`), `yolox-${v}`);
      const out = path.join(tmp, `yolox-${v}`);
      await runTaps({ model: `yolox-${v}`, weights, input: path.join(ref, 'input.npy'), out });
      for (const t of ['neck.p3', 'neck.p4', 'neck.p5'])
        expect(maxDiff(path.join(out, `${t}.npy`), path.join(ref, `${t}.npy`)), t).toBeLessThan(TOL);
      const m = createModel(`yolox-${v}`, { rng: new Rng(1) });
      loadWeights(m, weights);
      m.eval();
      const x = npyToNhwc(readNpy(path.join(ref, 'input.npy')), 'nchw');
      const heads = tf.tidy(() => m.forward(x).map((h) => h.transpose([0, 3, 1, 2])));
      heads.forEach((h, i) => {
        const want = readNpy(path.join(ref, `head${i}.npy`));
        expect(h.shape).toEqual(want.shape);
        const got = h.dataSync();
        expect(Math.max(...want.data.map((w, j) => Math.abs(w - got[j]))), `head${i}`).toBeLessThan(TOL);
      });
      tf.dispose([x, ...heads]);
      m.dispose();
    },
  );
});

describe('pnpm exp taps (CLI)', () => {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const cli = path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts');
  const env = { ...process.env, KD_BACKEND: 'wasm' };

  it('resnet18 end to end: writes layer1…layer4 as NCHW .npy equal to torchvision’s', () => {
    const out = path.join(tmp, 'cli');
    const weights = weightsFile(path.join(TV, 'resnet18', 'keys.json'), 'cli-resnet18');
    const r = spawnSync(
      tsx,
      [cli, 'taps', '--model', 'resnet18', '--weights', weights, '--input', path.join(TV, 'input.npy'), '--out', out],
      { encoding: 'utf8', env },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /loaded 100 tensors from .*cli-resnet18\.safetensors \(22 dropped: classifier, BN counters\)/,
    );
    expect(fs.readdirSync(out).sort()).toEqual(['layer1.npy', 'layer2.npy', 'layer3.npy', 'layer4.npy']);
    for (const t of ['layer1', 'layer2', 'layer3', 'layer4'])
      expect(maxDiff(path.join(out, `${t}.npy`), path.join(TV, 'resnet18', `${t}.npy`))).toBeLessThan(TOL);
  });

  it('bad input: one line, exit 2, nothing written; wrong weights: one line naming the first mismatches', async () => {
    const out = path.join(tmp, 'cli-bad');
    const nhwc = path.join(tmp, 'nhwc.npy');
    const x = readNpy(path.join(TV, 'input.npy'));
    fs.writeFileSync(nhwc, encodeNpy(x.data, [1, 64, 64, 3])); // the input's values laid out as NHWC
    const r = spawnSync(tsx, [cli, 'taps', '--model', 'resnet18', '--input', nhwc, '--out', out], {
      encoding: 'utf8',
      env,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `error: --input: '${nhwc}' must be NCHW [N,3,H,W] float32, got shape (1, 64, 64, 3)`,
    ]);
    expect(fs.existsSync(out)).toBe(false);
    const wrong = weightsFile(path.join(TV, 'mobilenetv2', 'keys.json'), 'wrong', 12);
    const run = runTaps({ model: 'resnet18', weights: wrong, input: path.join(TV, 'input.npy'), out });
    await expect(run).rejects.toThrow(DataError);
    await expect(run).rejects.toThrow(
      /^.*wrong\.safetensors: does not match the model; nothing loaded\. missing from file \(100\): conv1\.weight, bn1\.weight, bn1\.bias, … 97 more\. not in model \(10\): features\.0\.0\.weight, features\.0\.1\.weight, features\.0\.1\.bias, … 7 more$/,
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});
