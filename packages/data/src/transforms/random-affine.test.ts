import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { randomAffine, warpAffine } from './random-affine.ts';
import { solid } from './testing-solid.ts';

/** A W×H image whose pixel (x, y) has red = x, green = y. */
function ramp(W: number, H: number) {
  const s = solid('ramp', W, H, 0, [2, 3, 6, 7]);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) s.image.set([x, y, 0], (y * W + x) * 3);
  return s;
}

describe('randomAffine', () => {
  it('warpAffine: identity keeps the image; a translation by (2, 1) moves pixels and boxes, new pixels get the pad value', () => {
    const s = ramp(8, 8);
    expect(warpAffine(s, [1, 0, 0, 0, 1, 0, 0, 0, 1], 8, 8, 114).image).toEqual(s.image);
    const t = warpAffine(s, [1, 0, 2, 0, 1, 1, 0, 0, 1], 8, 8, 114);
    expect(Array.from(t.image.subarray((3 * 8 + 5) * 3, (3 * 8 + 5) * 3 + 2))).toEqual([3, 2]); // (5, 3) ← (3, 2)
    expect(t.image[0]).toBe(114);
    expect(t.objects!.map((o) => [o.x1, o.y1, o.x2, o.y2])).toEqual([[4, 4, 8, 8]]);
  });

  it('with no rotation/shear/translation jitter and scale 1, a 2S mosaic comes out as its central S×S window (border −S/2)', () => {
    const s = ramp(16, 16);
    s.objects = [{ cls: 0, x1: 6, y1: 6, x2: 14, y2: 10, difficult: false, truncated: false }];
    const cfg = {
      outWidth: 8,
      outHeight: 8,
      maxRotate: 0,
      maxTranslate: 0,
      scale: [1, 1] as [number, number],
      maxShear: 0,
      padValue: 114,
    };
    const out = randomAffine(new Rng(3), s, cfg);
    for (const [x, y] of [
      [0, 0],
      [7, 5],
    ])
      expect(Array.from(out.image.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 2))).toEqual([x + 4, y + 4]);
    expect(out.objects!.map((o) => [o.x1, o.y1, o.x2, o.y2])).toEqual([[2, 2, 8, 6]]); // clipped at the right edge
  });

  it('scale 2 about the centre doubles box sides (rotation and shear off)', () => {
    const s = solid('c', 16, 16, 9, [6, 6, 10, 10]);
    const cfg = {
      outWidth: 16,
      outHeight: 16,
      maxRotate: 0,
      maxTranslate: 0,
      scale: [2, 2] as [number, number],
      maxShear: 0,
      padValue: 114,
    };
    const o = randomAffine(new Rng(2), s, cfg).objects![0];
    expect([o.x1, o.y1, o.x2, o.y2]).toEqual([4, 4, 12, 12]);
  });
});
