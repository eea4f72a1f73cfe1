import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { augmentDetSample, DET_AUGMENT_DEFAULTS, type DetAugmentConfig } from './det-augment.ts';
import { allDetBatches, planDetBatches } from '../loader/det-plan.ts';

/** A W×H grey image with one red rectangle exactly covering the box [x1,x2)×[y1,y2). */
function redBox(W: number, H: number, b: [number, number, number, number], cls = 1): Sample {
  const image = new Uint8Array(W * H * 3).fill(60);
  for (let y = b[1]; y < b[3]; y++) for (let x = b[0]; x < b[2]; x++) image.set([250, 0, 0], (y * W + x) * 3);
  return {
    name: 'r',
    width: W,
    height: H,
    image,
    objects: [{ cls, x1: b[0], y1: b[1], x2: b[2], y2: b[3], difficult: false, truncated: false }],
  };
}

/** Pixel-edge bounding box of the red pixels. */
function redExtent(s: Sample): number[] {
  let x1 = Infinity,
    y1 = Infinity,
    x2 = -1,
    y2 = -1;
  for (let y = 0; y < s.height; y++) {
    for (let x = 0; x < s.width; x++) {
      const i = (y * s.width + x) * 3;
      if (s.image[i] > 200 && s.image[i + 1] < 50) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  return [x1, y1, x2, y2];
}
const boxOf = (s: Sample) => s.objects!.map((o) => [o.x1, o.y1, o.x2, o.y2]);
const cfg = (o: Partial<DetAugmentConfig>): DetAugmentConfig => ({
  ...DET_AUGMENT_DEFAULTS,
  size: 32,
  numClasses: 2,
  colour: null,
  ...o,
});

describe('augmentDetSample keeps boxes exact', () => {
  it('horizontal flip: x1 ↦ S − x2, x2 ↦ S − x1, and the pixels follow', () => {
    const out = augmentDetSample(new Rng(1), redBox(32, 32, [3, 5, 11, 20]), cfg({ scale: [1, 1], hflip: 1 }));
    expect(boxOf(out)).toEqual([[21, 5, 29, 20]]);
    expect(redExtent(out)).toEqual([21, 5, 29, 20]);
  });

  it('scale 0.5: the image shrinks into the top-left corner, padded with 114; boxes halve', () => {
    const out = augmentDetSample(new Rng(1), redBox(32, 32, [4, 8, 12, 24]), cfg({ scale: [0.5, 0.5], hflip: 0 }));
    expect([out.width, out.height]).toEqual([32, 32]);
    expect(boxOf(out)).toEqual([[2, 4, 6, 12]]);
    expect(redExtent(out)).toEqual([2, 4, 6, 12]);
    expect(out.image[(31 * 32 + 31) * 3]).toBe(114);
  });

  it('scale 2: a 32×32 window of the 64×64 image; boxes are doubled, shifted and clipped', () => {
    // Rng draws: crop x0, y0 (scale fixed, so no draw for it), then the flip uniform
    const rng = new Rng(7);
    const peek = new Rng(7);
    const x0 = peek.int(0, 33),
      y0 = peek.int(0, 33);
    const out = augmentDetSample(rng, redBox(32, 32, [8, 8, 24, 24]), cfg({ scale: [2, 2], hflip: 0 }));
    const clip = (v: number) => Math.min(32, Math.max(0, v));
    const expected = [clip(16 - x0), clip(16 - y0), clip(48 - x0), clip(48 - y0)];
    if (expected[2] - expected[0] >= 1 && expected[3] - expected[1] >= 1) {
      expect(boxOf(out)).toEqual([expected]);
      expect(redExtent(out)).toEqual(expected);
    } else expect(boxOf(out)).toEqual([]);
  });

  it('a box cropped away entirely is dropped; an image without boxes stays valid', () => {
    // box in the top-left 4×4; scale 2 with a crop window that starts at ≥ 8 cannot contain it
    let rng = new Rng(1),
      seed = 1;
    for (; ; seed++) {
      const p = new Rng(seed);
      if (p.int(0, 33) >= 8) {
        rng = new Rng(seed);
        break;
      }
    }
    expect(boxOf(augmentDetSample(rng, redBox(32, 32, [0, 0, 4, 4]), cfg({ scale: [2, 2], hflip: 0 })))).toEqual([]);
    const empty = { ...redBox(32, 32, [0, 0, 1, 1]), objects: [] };
    expect(augmentDetSample(new Rng(2), empty, cfg({})).objects).toEqual([]);
  });

  it('is deterministic in the seed, and plans drop the last partial batch', async () => {
    const s = redBox(40, 24, [5, 5, 20, 15]);
    const a = augmentDetSample(new Rng(3), s, cfg({ colour: DET_AUGMENT_DEFAULTS.colour }));
    const b = augmentDetSample(new Rng(3), s, cfg({ colour: DET_AUGMENT_DEFAULTS.colour }));
    expect(a).toEqual(b);
    const plan = planDetBatches([s, s, s, s, s], { epochs: 2, batchSize: 2, rng: new Rng(4), augment: cfg({}) });
    expect((await allDetBatches(plan)).map((b) => b.length)).toEqual([2, 2, 2, 2]);
  });
});
