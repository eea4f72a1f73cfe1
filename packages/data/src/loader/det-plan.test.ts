import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { DET_AUGMENT_DEFAULTS } from '../transforms/det-augment.ts';
import { solid } from '../transforms/testing-solid.ts';
import { allDetBatches, planDetBatches } from './det-plan.ts';
import { lazySamples, memorySamples } from './det-sample-source.ts';

const samples = Array.from({ length: 7 }, (_, i) => solid(`s${i}`, 24 + 4 * i, 20, 20 * i, [2, 2, 14, 14], i % 2));
const augment = { ...DET_AUGMENT_DEFAULTS, size: 16, numClasses: 2 };
const yolox = { epochs: 3, batchSize: 3, augment, mosaic: true, mixup: true, noAugEpochs: 1 };

describe('planDetBatches (lazy)', () => {
  it('rebuilds any step alone: the same batch whatever was asked before (resume, several students)', async () => {
    const all = await allDetBatches(planDetBatches(samples, { ...yolox, rng: new Rng(5) }));
    expect(all.length).toBe(6); // 3 epochs × ⌊7/3⌋
    const fresh = planDetBatches(samples, { ...yolox, rng: new Rng(5) });
    for (const g of [5, 0, 3, 3, 1]) expect(await fresh.batch(g)).toEqual(all[g]);
    // each epoch is a permutation: 6 of the 7 names, distinct
    for (let e = 0; e < 3; e++) {
      const names = all.slice(2 * e, 2 * e + 2).flatMap((b) => b.map((s) => s.name));
      expect(new Set(names).size).toBe(6);
    }
  });

  it('a lazily decoded split gives the same plan as the same split in memory, decoding each image at most once per LRU window', async () => {
    const loads: number[] = [];
    const lazy = lazySamples(samples.length, async (i) => (loads.push(i), samples[i]), 64);
    const a = await allDetBatches(planDetBatches(lazy, { ...yolox, rng: new Rng(2) }));
    const b = await allDetBatches(planDetBatches(memorySamples(samples), { ...yolox, rng: new Rng(2) }));
    expect(a).toEqual(b);
    expect(loads.length).toBe(7); // all seven images used, each decoded once (cache 64 ≥ 7)
    const tiny = [] as number[];
    const small = lazySamples(samples.length, async (i) => (tiny.push(i), samples[i]), 1);
    await allDetBatches(planDetBatches(small, { ...yolox, rng: new Rng(2) }));
    expect(tiny.length).toBeGreaterThan(7); // evicted and decoded again
  });

  it('multi-scale: the first window keeps S, later windows of `every` steps share one multiple of 32 in (S/32 ± range)·32', () => {
    const plan = planDetBatches(samples, {
      epochs: 40,
      batchSize: 1,
      rng: new Rng(1),
      augment: { ...augment, size: 640 },
      multiScale: { range: 5, every: 10 },
    });
    const sizes = Array.from({ length: plan.length }, (_, g) => plan.sizeAt(g));
    expect(sizes.slice(0, 10)).toEqual(Array(10).fill(640));
    for (let w = 1; w < plan.length / 10; w++) expect(new Set(sizes.slice(10 * w, 10 * w + 10)).size).toBe(1);
    expect(sizes.every((s) => s % 32 === 0 && s >= 480 && s <= 800)).toBe(true);
    expect(new Set(sizes).size).toBeGreaterThan(5); // 27 windows over 11 sizes
    const off = planDetBatches(samples, { epochs: 2, batchSize: 1, rng: new Rng(1), augment });
    expect(Array.from({ length: off.length }, (_, g) => off.sizeAt(g)).every((s) => s === 16)).toBe(true);
  });

  it('names the step and the source index it cannot give', async () => {
    const plan = planDetBatches(samples, { ...yolox, rng: new Rng(1) });
    await expect(plan.batch(6)).rejects.toThrow("planDetBatches: step 6 outside the plan's [0, 6)");
    expect(() => plan.sizeAt(-1)).toThrow('step -1 outside');
    await expect(lazySamples(3, async () => samples[0]).get(3)).rejects.toThrow('index 3 outside [0, 3)');
    expect(() => planDetBatches(samples.slice(0, 2), { ...yolox, rng: new Rng(1) })).toThrow(
      '2 samples is fewer than one batch of 3',
    );
  });
});
