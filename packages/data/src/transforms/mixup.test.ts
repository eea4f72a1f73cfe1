import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { mixUp } from './mixup.ts';
import { solid } from './testing-solid.ts';

describe('mixUp', () => {
  it('averages the two images and keeps both sets of boxes (jitter 1, no flip)', () => {
    const a = solid('a', 8, 8, 100, [1, 1, 4, 4], 0);
    const b = solid('b', 8, 8, 201, [0, 0, 8, 8], 1);
    const m = mixUp(new Rng(1), a, b, { size: 8, ratio: [1, 1], flip: 0, padValue: 114 });
    expect(m.name).toBe('a');
    expect(new Set(m.image)).toEqual(new Set([151])); // round(50 + 100.5)
    expect(m.objects!.map((o) => [o.cls, o.x1, o.y1, o.x2, o.y2])).toEqual([
      [0, 1, 1, 4, 4],
      [1, 0, 0, 8, 8],
    ]);
  });

  it("letterboxes the partner: a 16×12 partner fills the top 6 rows (its box halved); below, 114's half", () => {
    const a = solid('a', 8, 8, 0, null);
    const b = solid('b', 16, 12, 200, [0, 0, 16, 12]);
    const m = mixUp(new Rng(1), a, b, { size: 8, ratio: [1, 1], flip: 0, padValue: 114 });
    expect(m.image[0]).toBe(100);
    expect(m.image[(7 * 8 + 7) * 3]).toBe(57);
    expect(m.objects!.map((o) => [o.x1, o.y1, o.x2, o.y2])).toEqual([[0, 0, 8, 6]]);
  });

  it('drops partner boxes cut below 5 px by the crop (mmdet candidate filter)', () => {
    const a = solid('a', 8, 8, 0, null);
    const b = solid('b', 8, 8, 200, [0, 0, 3, 3]); // 3 px: never a candidate
    const m = mixUp(new Rng(1), a, b, { size: 8, ratio: [1, 1], flip: 0, padValue: 114 });
    expect(m.objects).toEqual([]);
  });
});
