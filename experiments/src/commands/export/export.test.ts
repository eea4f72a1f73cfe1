import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, UsageError } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { createModel, saveModel } from '@kd/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRun } from './resolve-run.ts';
import { runExport } from './run-export.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kd-export-'));

describe('pnpm exp export', () => {
  let results: string;
  let runDir: string;

  beforeAll(async () => {
    await useBackend('wasm');
    // A sweep's layout: <results>/<profile>/runs/<experiment>/<hash>/student/model.json
    results = tmp();
    runDir = path.join(results, 'quick-wasm-simd-1t', 'runs', 'table-sod', 'b1d2a4f809');
    const m = createModel('scfnet-mbv3-x0.5', { rng: new Rng(2), weights: 'none' });
    // BN statistics as after training (a fresh init's eval outputs reach 1e3–1e7)
    for (let i = 0; i < 5; i++)
      tf.tidy(() => void m.train().forward(tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', i) as tf.Tensor4D));
    await saveModel(m, path.join(runDir, 'student'));
    m.dispose();
  });

  it('resolves a run folder, a saveModel folder, a model.json and a sweep row hash to the saved student', () => {
    const student = path.join(runDir, 'student');
    expect(resolveRun(runDir, results)).toBe(student);
    expect(resolveRun(student, results)).toBe(student);
    expect(resolveRun(path.join(student, 'model.json'), results)).toBe(student);
    expect(resolveRun('b1d2a4f809', results)).toBe(student);
    expect(resolveRun('table-sod/b1d2a4f809', results)).toBe(student);
  });

  it('names the flag and what was expected for a run it cannot find', () => {
    expect(() => resolveRun('kd-zoo/b1d2a4f809', results)).toThrow(
      /--run: no finished run 'kd-zoo\/b1d2a4f809' with a saved student under .* \(looked for runs\/kd-zoo\/b1d2a4f809\/student\/model\.json\)/,
    );
    expect(() => resolveRun('not a hash', results)).toThrow(UsageError);
    expect(() => resolveRun(results, results)).toThrow(/holds neither model\.json nor student\/model\.json/);
  });

  it("exports a run's student as a graph model (self-checked ≤ 1e-4) with its metadata and the run as source", async () => {
    const out = tmp();
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await runExport({ runDir: resolveRun('b1d2a4f809', results), out, size: 64 }, (s) => lines.push(s));
    expect(tf.memory().numTensors).toBe(before); // model, graph and check tensors all disposed
    expect(r.model).toBe('scfnet-mbv3-x0.5');
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(fs.readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('graph-model');
    expect(json.userDefinedMetadata.kdlab).toMatchObject({
      model: 'scfnet-mbv3-x0.5',
      task: 'sod',
      inputSize: [64, 64],
      source: path.join(runDir, 'student'),
    });
    expect(fs.statSync(path.join(out, 'group1-shard1of1.bin')).size).toBe(r.weightBytes);
    expect(Object.keys(r.ops).filter((op) => op.startsWith('Kd'))).toEqual([]);
    expect(lines).toEqual([
      expect.stringMatching(
        /^scfnet-mbv3-x0\.5 @ 64×64 → .*: \d+ ops \(BN folded\), [\d.]+ MB weights, max \|graph − model\| = .* \(max \|output\| [\d.]+\)$/,
      ),
    ]);
    // --no-fold: the same kernels as our forward, bit-identical
    const exact = await runExport(
      { runDir: resolveRun('b1d2a4f809', results), out: tmp(), size: 64, fold: false },
      () => {},
    );
    expect(exact.maxAbsDiff).toBe(0);
    expect(exact.ops.FusedBatchNorm).toBeGreaterThan(r.ops.FusedBatchNorm ?? 0);
  });

  it('refuses a size that is not a multiple of the model stride, a detector, and a run/model mismatch', async () => {
    const out = tmp();
    await expect(runExport({ runDir: null, model: 'csnet-l-x1', out, size: 100 }, () => {})).rejects.toThrow(
      /--size: 100 is not a multiple of \d+, the total stride of 'csnet-l-x1'/,
    );
    await expect(runExport({ runDir: null, model: 'yolox-nano', out }, () => {})).rejects.toThrow(/yolox-nano/);
    await expect(
      runExport({ runDir: resolveRun(runDir, results), model: 'csnet-l-x1', out }, () => {}),
    ).rejects.toThrow(/--model: the run holds 'scfnet-mbv3-x0.5', not 'csnet-l-x1'/);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
