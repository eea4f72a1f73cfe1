import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, loadModel, prune, saveModel, type KdModel } from '../index.ts';
import { testImages } from '../testing/train-step.ts';

/** Temp folders, removed after this file's tests. */
const temp = scratchDirs();
const scratch = temp.make;
afterAll(temp.removeAll);

const tmp = () => scratch('kd-save-');

function expectSameState(a: KdModel, b: KdModel) {
  const sa = a.stateDict();
  const sb = b.stateDict();
  expect([...sb.keys()]).toEqual([...sa.keys()]);
  for (const [k, v] of sa)
    expect(
      Buffer.from((sb.get(k)!.dataSync() as Float32Array).buffer).equals(
        Buffer.from((v.dataSync() as Float32Array).buffer),
      ),
      k,
    ).toBe(true);
}

describe('saveModel / loadModel', () => {
  beforeAll(() => useBackend('wasm'));

  it('round-trips a model bit-exactly, BN statistics included, in tfjs model.json + shard format', async () => {
    const m = createModel('csnet-l-x1', { rng: new Rng(9) });
    const x = testImages(1, 2, 32, 32);
    tf.tidy(() => void m.train().forward(x)); // moves BN running statistics away from their init
    const dir = tmp();
    await saveModel(m, dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    expect(fs.statSync(path.join(dir, 'group1-shard1of1.bin')).size).toBe(4 * (93_647 + 4_274));
    const back = await loadModel(dir);
    expectSameState(m, back);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(m.eval().forward(x)[0], back.eval().forward(x)[0]))).dataSync()[0]);
    expect(d).toBe(0);
    tf.dispose(x);
    m.dispose();
    back.dispose();
  });

  it('splits into 4 MiB shards and rebuilds pruned/width-option models from buildOptions', async () => {
    const fcn = createModel('fcn-mbv2-os16', { rng: new Rng(1), numClasses: 19 });
    const dir = tmp();
    await saveModel(fcn, dir);
    const paths = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths;
    expect(paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expectSameState(fcn, await loadModel(dir));
    const slim = prune(createModel('csnet-x1-base', { rng: new Rng(2) }), 1e-20);
    const dir2 = tmp();
    await saveModel(slim, dir2);
    expectSameState(slim, await loadModel(dir2));
  });

  it('round-trips a width-option YOLOX detector (task det): same head maps', async () => {
    const m = createModel('yolox-nano', { rng: new Rng(4), numClasses: 2, width: 0.125 });
    const dir = scratch('kdlab-yolox-');
    await saveModel(m, dir);
    const back = await loadModel(dir);
    expect(back.task).toBe('det');
    m.eval();
    back.eval();
    const diff = tf.tidy(() => {
      const x = tf.tensor4d(new Rng(5).fillUniform(new Float32Array(64 * 64 * 3), -1, 1), [1, 64, 64, 3]);
      const a = m.forward(x),
        b = back.forward(x);
      return Math.max(...a.map((t, i) => tf.max(tf.abs(t.sub(b[i]))).dataSync()[0]));
    });
    expect(diff).toBe(0);
    m.dispose();
    back.dispose();
  });

  it('names a missing shard', async () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'model.json'),
      JSON.stringify({
        format: 'kdlab-dense-model',
        modelTopology: { kdlab: { name: 'csnet-l-x1', buildOptions: {} } },
        weightsManifest: [{ paths: ['gone.bin'], weights: [] }],
      }),
    );
    await expect(loadModel(dir)).rejects.toThrow(/gone\.bin: weight shard listed in model\.json is missing/);
  });
});
