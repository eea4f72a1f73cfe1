import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { hsv8ToRgb, rgbToHsv8, yoloxHsv } from './yolox-hsv.ts';

describe('YOLOX HSV', () => {
  it("uses OpenCV's 8-bit HSV (H in [0, 180)) and round-trips primaries and greys", () => {
    const cases: [number[], number[]][] = [
      [
        [255, 0, 0],
        [0, 255, 255],
      ],
      [
        [0, 255, 0],
        [60, 255, 255],
      ],
      [
        [0, 0, 255],
        [120, 255, 255],
      ],
      [
        [255, 255, 0],
        [30, 255, 255],
      ],
      [
        [128, 128, 128],
        [0, 0, 128],
      ],
      [
        [200, 100, 50],
        [10, 191, 200],
      ],
    ];
    for (const [rgb, hsv] of cases) {
      expect(rgbToHsv8(rgb[0], rgb[1], rgb[2])).toEqual(hsv);
      if (rgb[0] !== 200) expect(hsv8ToRgb(hsv[0], hsv[1], hsv[2])).toEqual(rgb);
    }
  });

  it('applies trunc(U(−1,1)·(5, 30, 30)·coin) gains: H mod 180, S and V clipped', () => {
    const r = new Rng(7, 'hsv');
    const u = [5, 30, 30].map((d) => r.uniform(-1, 1) * d);
    const g = u.map((x) => Math.trunc(x * r.int(0, 2)));
    const img = Uint8Array.from([200, 100, 50, 0, 0, 0]);
    const out = yoloxHsv(new Rng(7, 'hsv'), img);
    const [h, s, v] = rgbToHsv8(200, 100, 50);
    const want = hsv8ToRgb(
      (h + g[0] + 180) % 180,
      Math.min(255, Math.max(0, s + g[1])),
      Math.min(255, Math.max(0, v + g[2])),
    );
    expect(Array.from(out.subarray(0, 3))).toEqual(want);
    expect(Array.from(out.subarray(3))).toEqual(hsv8ToRgb(0, Math.max(0, g[1]), Math.max(0, g[2])));
  });
});
