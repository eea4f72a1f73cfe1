import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { DET_AUGMENT_DEFAULTS } from './det-augment.ts';
import { allDetBatches, planDetBatches } from '../loader/det-plan.ts';
import { solid } from './testing-solid.ts';

const samples = Array.from({ length: 6 }, (_, i) => solid(`s${i}`, 24 + 4 * i, 20, 20 * i, [2, 2, 14, 14], i % 2));
const augment = { ...DET_AUGMENT_DEFAULTS, size: 16, numClasses: 2 };

describe('planDetBatches with the YOLOX pipeline', () => {
  it('is seeded, gives S×S samples with boxes inside, and switches Mosaic/MixUp off for the last noAugEpochs', async () => {
    const plan = (seed: number) =>
      allDetBatches(
        planDetBatches(samples, {
          epochs: 3,
          batchSize: 3,
          rng: new Rng(seed),
          augment,
          mosaic: true,
          mixup: true,
          noAugEpochs: 1,
        }),
      );
    const a = await plan(1);
    expect(a).toEqual(await plan(1));
    expect(a).not.toEqual(await plan(2));
    expect(a.length).toBe(6);
    for (const b of a)
      for (const s of b) {
        expect([s.width, s.height, s.image.length]).toEqual([16, 16, 16 * 16 * 3]);
        for (const o of s.objects!)
          expect(o.x1 >= 0 && o.y1 >= 0 && o.x2 <= 16 && o.y2 <= 16 && o.x2 - o.x1 >= 1).toBe(true);
      }
    // strong epochs: a mosaic carries boxes from other samples (more than the one each source has)
    expect(
      Math.max(
        ...a
          .slice(0, 4)
          .flat()
          .map((s) => s.objects!.length),
      ),
    ).toBeGreaterThan(1);
    // the no-aug epoch: one letterboxed sample each, its single box scaled with the keep-ratio resize
    for (const s of a.slice(4).flat()) {
      const src = samples.find((x) => x.name === s.name)!;
      const r = 16 / src.width;
      expect(s.objects!.length).toBe(1);
      expect(s.objects![0].y2 - s.objects![0].y1).toBeCloseTo((12 * Math.round(20 * r)) / 20, 5); // height rounded to whole pixels
    }
  });

  it('with mosaic and mixup off, noAugEpochs changes nothing (augmentDetSample throughout)', async () => {
    const opts = { epochs: 2, batchSize: 2, augment };
    expect(await allDetBatches(planDetBatches(samples, { ...opts, rng: new Rng(3), noAugEpochs: 1 }))).toEqual(
      await allDetBatches(planDetBatches(samples, { ...opts, rng: new Rng(3) })),
    );
  });
});
