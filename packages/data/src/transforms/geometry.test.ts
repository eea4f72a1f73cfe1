import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { cropSample, flipHorizontal, flipVertical, padSample } from './geometry.ts';
import { resizeBilinear, resizeNearest, resizeSample } from './resize.ts';
import { randomCropCsnet, randomCropKdScfnet, randomCropTo, randomFlip } from './random.ts';

/** A W×H sample whose image encodes (x, y), mask is 255 inside the box [x1, x2) × [y1, y2), label = box ? 3 : 0. */
function sample(W: number, H: number, b = { x1: 2, y1: 1, x2: 5, y2: 3 }): Sample {
  const image = new Uint8Array(W * H * 3),
    mask = new Uint8Array(W * H),
    label = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      image.set([x, y, 100], 3 * i);
      const inside = x >= b.x1 && x < b.x2 && y >= b.y1 && y < b.y2;
      mask[i] = inside ? 255 : 0;
      label[i] = inside ? 3 : 0;
    }
  return {
    name: 's',
    width: W,
    height: H,
    image,
    mask,
    label,
    objects: [{ cls: 3, ...b, difficult: false, truncated: false }],
  };
}

/** The box of the mask's 255 pixels, in pixel edges. */
function maskBox(s: Sample) {
  let x1 = Infinity,
    y1 = Infinity,
    x2 = -1,
    y2 = -1;
  for (let i = 0; i < s.mask!.length; i++)
    if (s.mask![i] === 255) {
      const x = i % s.width,
        y = Math.floor(i / s.width);
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  return { x1, y1, x2, y2 };
}
const box = (s: Sample) => {
  const { x1, y1, x2, y2 } = s.objects![0];
  return { x1, y1, x2, y2 };
};

describe('geometric transforms move image, mask, label and boxes together', () => {
  it('horizontal flip: box (2,1)-(5,3) in an 8-wide image becomes (3,1)-(6,3)', () => {
    const f = flipHorizontal(sample(8, 4));
    expect(box(f)).toEqual({ x1: 3, y1: 1, x2: 6, y2: 3 });
    expect(maskBox(f)).toEqual(box(f));
    expect([...f.image.subarray(0, 3)]).toEqual([7, 0, 100]);
    expect(flipHorizontal(f)).toEqual(sample(8, 4));
  });

  it('vertical flip: box (2,1)-(5,3) in a 4-high image becomes (2,1)-(5,3) mirrored to y 1..3', () => {
    const f = flipVertical(sample(8, 5));
    expect(box(f)).toEqual({ x1: 2, y1: 2, x2: 5, y2: 4 });
    expect(maskBox(f)).toEqual(box(f));
    expect(f.image[1]).toBe(4);
  });

  it('crop shifts and clips boxes; a box cut away entirely is dropped', () => {
    const c = cropSample(sample(8, 6), 3, 2, 4, 3);
    expect([c.width, c.height]).toEqual([4, 3]);
    expect(box(c)).toEqual({ x1: 0, y1: 0, x2: 2, y2: 1 });
    expect(maskBox(c)).toEqual(box(c));
    expect([...c.image.subarray(0, 3)]).toEqual([3, 2, 100]);
    expect(cropSample(sample(8, 6), 6, 4, 2, 2).objects).toEqual([]);
    expect(() => cropSample(sample(8, 6), 6, 4, 3, 2)).toThrow(/not inside the 8×6 image/);
  });

  it('pad fills labels with 255, masks with 0, and shifts boxes', () => {
    const p = padSample(sample(4, 4, { x1: 0, y1: 0, x2: 2, y2: 2 }), 1, 2, 0, 3);
    expect([p.width, p.height]).toEqual([9, 5]);
    expect(box(p)).toEqual({ x1: 3, y1: 1, x2: 5, y2: 3 });
    expect(p.label![0]).toBe(255);
    expect(p.label![1 * 9 + 3]).toBe(3);
    expect(p.mask![0]).toBe(0);
  });

  it('random crops stay within their documented ranges and keep mask and box aligned', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 50; t++) {
      const k = randomCropKdScfnet(rng, sample(80, 40, { x1: 20, y1: 10, x2: 50, y2: 30 }));
      expect(k.width).toBeGreaterThan(80 - 10);
      expect(k.height).toBeGreaterThan(40 - 5);
      expect(maskBox(k)).toEqual(box(k));
      const c = randomCropCsnet(rng, sample(60, 60, { x1: 20, y1: 20, x2: 40, y2: 40 }));
      expect(60 - c.width).toBeGreaterThanOrEqual(1);
      expect(60 - c.width).toBeLessThanOrEqual(29);
      expect(maskBox(c)).toEqual(box(c));
      const f = randomFlip(rng, k, 0.5, 0.5);
      expect(maskBox(f)).toEqual(box(f));
    }
    const t = randomCropTo(new Rng(2), sample(4, 3), 6, 5);
    expect([t.width, t.height]).toEqual([6, 5]);
    expect(t.label!.filter((v) => v === 255).length).toBe(6 * 5 - 4 * 3);
  });
});

describe('resize', () => {
  it('bilinear with half-pixel centres: 2× upsampling of [0, 100] gives [0, 25, 75, 100]', () => {
    expect([...resizeBilinear(Uint8Array.from([0, 100]), 2, 1, 1, 4, 1)]).toEqual([0, 25, 75, 100]);
  });

  it('nearest keeps only values present in the label map (no 1.5 between 1 and 2)', () => {
    const src = Uint8Array.from([1, 2, 255, 7]);
    expect([...resizeNearest(src, 2, 2, 4, 4)]).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 255, 255, 7, 7, 255, 255, 7, 7]);
    const down = resizeNearest(sample(9, 7).label!, 9, 7, 5, 3);
    expect(new Set(down)).toEqual(new Set([0, 3]));
  });

  it('resizeSample scales boxes by the size ratio and labels stay in the label set', () => {
    const r = resizeSample(sample(8, 4), 16, 12);
    expect(box(r)).toEqual({ x1: 4, y1: 3, x2: 10, y2: 9 });
    expect(new Set(r.label)).toEqual(new Set([0, 3]));
    expect(r.label!.filter((v) => v === 3).length).toBe(6 * 6);
  });
});
