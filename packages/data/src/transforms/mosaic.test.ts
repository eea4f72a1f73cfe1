import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { mosaic } from './mosaic.ts';
import { solid } from './testing-solid.ts';

describe('mosaic', () => {
  it('places four images around the drawn centre on a 2S canvas of 114, boxes moved and clipped', () => {
    const S = 8;
    const parts = [10, 20, 30, 40].map((v, i) => solid(`s${i}`, 8, 8, v, [0, 0, 8, 8], i));
    const r = new Rng(5, 'm');
    const xc = Math.floor(r.uniform(0.5, 1.5) * S),
      yc = Math.floor(r.uniform(0.5, 1.5) * S);
    const m = mosaic(new Rng(5, 'm'), parts, S, 114);
    expect([m.width, m.height, m.name]).toEqual([16, 16, 's0']);
    const at = (x: number, y: number) => m.image[(y * 16 + x) * 3];
    expect([at(xc - 1, yc - 1), at(xc, yc - 1), at(xc - 1, yc), at(xc, yc)]).toEqual([10, 20, 30, 40]);
    // every image is 8×8 = S, so each quadrant is a full 8×8 square clipped to the canvas
    expect(m.objects!.map((o) => [o.cls, o.x1, o.y1, o.x2, o.y2])).toEqual([
      [0, Math.max(xc - 8, 0), Math.max(yc - 8, 0), xc, yc],
      [1, xc, Math.max(yc - 8, 0), Math.min(xc + 8, 16), yc],
      [2, Math.max(xc - 8, 0), yc, xc, Math.min(yc + 8, 16)],
      [3, xc, yc, Math.min(xc + 8, 16), Math.min(yc + 8, 16)],
    ]);
    if (xc - 8 > 0) expect(at(0, 0)).toBe(114); // uncovered canvas keeps the pad value
  });

  it('resizes keep-ratio into S×S first: a 16×8 image becomes 8×4 with its box halved', () => {
    const wide = solid('w', 16, 8, 50, [4, 2, 12, 6]);
    const m = mosaic(new Rng(1), [wide, wide, wide, wide], 8, 114);
    const tl = m.objects![0];
    const r = new Rng(1);
    const xc = Math.floor(r.uniform(0.5, 1.5) * 8),
      yc = Math.floor(r.uniform(0.5, 1.5) * 8);
    // the 8×4 image's bottom-right corner sits at (xc, yc): box [2,1,6,3] shifts by (xc − 8, yc − 4)
    expect([tl.x1, tl.y1, tl.x2, tl.y2]).toEqual([
      Math.max(0, xc - 6),
      Math.max(0, yc - 3),
      Math.max(0, xc - 2),
      Math.max(0, yc - 1),
    ]);
  });
});
