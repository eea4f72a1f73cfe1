import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import type { Batch } from '@kd/data';
import { baseConfig, createModel, CSNET_L_X1, CSNET_L_X2, Csnet, prune, type KdModel } from '@kd/models';
import type { RunContext } from '@kd/core';
import type { BatchSource } from '../../trainer/step-source.ts';
import { csnetParamCount } from '../../stages/csnet-prune.ts';
import { dwdNoDecay } from './csnet-dwd-recipe.ts';
import { trainSod } from './sod-train.ts';

/** One fixed SOD batch per epoch. */
function fixedSource(n: number, size: number, seed: number): BatchSource {
  const rng = new Rng(seed);
  const images = Float32Array.from({ length: n * size * size * 3 }, () => rng.uniform() * 2 - 1);
  const masks = Float32Array.from({ length: n * size * size }, (_, i) => (i % size < size / 2 ? 1 : 0));
  return {
    stepsPerEpoch: 1,
    async *batches(from = { epoch: 0, step: 0 }, until = 1) {
      for (let epoch = from.epoch; epoch < until; epoch++) {
        yield { epoch, step: 0, size: n, height: size, width: size, names: [], images, masks, skipped: [] } as Batch;
      }
    },
  };
}

const temp = scratchDirs();
afterAll(temp.removeAll);
const run = { progress: false, log: () => {}, runDir: temp.make('kdlab-csnet-run-') } as unknown as RunContext;
const params = (m: KdModel) => new Map(m.namedParameters().map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('csnet-dwd helpers', () => {
  beforeAll(() => useBackend('cpu'));

  it('csnetParamCount sums the layers of a width config (released, base and pruned models)', () => {
    for (const cfg of [CSNET_L_X1, CSNET_L_X2, baseConfig(20)]) {
      const m = new Csnet('t', new Rng(1), cfg);
      expect(csnetParamCount(cfg)).toBe(m.countParams());
      m.dispose();
    }
    expect(csnetParamCount(CSNET_L_X1)).toBe(93_647);
    // a pruned base model: zero some conv1x1 γ (incl. a whole branch) and the count still matches
    const m = createModel('csnet-x1-base', { rng: new Rng(2) });
    const g = m.blocks[3].conv1x1.bns.at(1).weight;
    g.assign(tf.zerosLike(g));
    const g2 = m.blocks[7].conv1x1.bns.at(0).weight;
    g2.assign(tf.tensor1d(Array.from(g2.dataSync(), (v, i) => (i % 3 === 0 ? 0 : v))));
    const slim = prune(m, 1e-20);
    expect(slim.config.blocks[3][1]).toBe(0);
    expect(slim.countParams()).toBeLessThan(m.countParams());
    expect(csnetParamCount(slim.config)).toBe(slim.countParams());
    m.dispose();
    slim.dispose();
  });

  it('dwdNoDecay: literal = the official group (stage conv1x1 / conv3x3_1 BN γ), intended adds conv3x3_2', () => {
    const m = createModel('csnet-l-x1', { rng: new Rng(1) });
    const names = m.namedParameters().map(([k]) => k);
    const literal = dwdNoDecay('literal'),
      intended = dwdNoDecay('intended');
    const exempt = names.filter(literal);
    // 18 ILBlocks, 2 sub-layers, 2 branches except the 3 single-branch stage ends
    expect(exempt.length).toBe(2 * (15 * 2 + 3));
    expect(names.filter(intended).length).toBe(3 * (15 * 2 + 3));
    expect(exempt.every((k) => /^stage\d\.\d+\.conv(1x1|3x3_1)\.bns\.\d\.weight$/.test(k))).toBe(true);
    const conv3x3_2 = names.filter((k) => /conv3x3_2\.bns\.\d\.weight$/.test(k));
    expect(conv3x3_2.length).toBe(15 * 2 + 3);
    expect(conv3x3_2.some(literal)).toBe(false);
    expect(conv3x3_2.every(intended)).toBe(true);
    const others = names.filter((k) => k.startsWith('oct_fuse') || k.endsWith('.bias'));
    expect(others.some(literal) || others.some(intended)).toBe(false);
    m.dispose();
  });
});

describe('trainSod weight decay', () => {
  beforeAll(() => useBackend('wasm'));
  const train = async (o: { weightDecay?: number; noDecay?: (n: string) => boolean }, epochs: number) => {
    const m = createModel('csnet-l-x1', { rng: new Rng(5) });
    await trainSod(m, fixedSource(2, 32, 7), { epochs, lr: 1e-2, loss: 'csnet-dwd', run, phase: 'student', ...o });
    const p = params(m);
    m.dispose();
    return p;
  };

  it("the loss-side decay equals the optimizer's coupled decay when nothing is exempt", async () => {
    const a = await train({ weightDecay: 0.05, noDecay: () => false }, 2);
    const b = await train({ weightDecay: 0.05 }, 2);
    const c = await train({}, 2);
    let maxAB = 0,
      maxAC = 0;
    for (const [k, v] of a) {
      v.forEach((x, i) => {
        maxAB = Math.max(maxAB, Math.abs(x - b.get(k)![i]));
        maxAC = Math.max(maxAC, Math.abs(x - c.get(k)![i]));
      });
    }
    expect(maxAB).toBeLessThan(1e-4);
    expect(maxAC).toBeGreaterThan(1e-3);
  });

  it('exempt γ get no decay: after one Adam step they match the run without decay, the decayed ones all shrink', async () => {
    const wd = 100; // dominates every gradient, so Adam's first step is −lr·sign(θ) on decayed parameters
    const a = await train({ weightDecay: wd, noDecay: dwdNoDecay('literal') }, 1);
    const none = await train({}, 1);
    for (const [k, v] of a) {
      if (dwdNoDecay('literal')(k)) expect(v).toEqual(none.get(k));
      else if (/conv3x3_2\.bns\.\d\.weight$/.test(k)) for (const x of v) expect(x).toBeCloseTo(1 - 1e-2, 5);
    }
  });
});
