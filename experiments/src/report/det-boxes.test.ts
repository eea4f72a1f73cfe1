import { describe, expect, it } from 'vitest';
import { DET_COLORS, drawBoxes, scaleBoxes } from './det-boxes.ts';
import { heatMap, hotColor } from './heat-map.ts';
import { nearestSourceIndex } from './upsample-nearest.ts';

/** The coloured pixels of an RGB image, as "row,col" keys (anything not black). */
const painted = (rgb: Uint8Array, w: number) => {
  const out = new Set<string>();
  for (let i = 0; i < rgb.length / 3; i++)
    if (rgb[3 * i] || rgb[3 * i + 1] || rgb[3 * i + 2]) out.add(`${Math.floor(i / w)},${i % w}`);
  return out;
};

describe('drawBoxes: 2-px class-coloured rectangles', () => {
  it('a 10×6 box at (3,2) draws exactly its 48 border pixels in its class colour', () => {
    const W = 20,
      H = 12;
    const rgb = drawBoxes(new Uint8Array(W * H * 3), W, H, [{ x1: 3, y1: 2, x2: 13, y2: 8, cls: 1 }]);
    // Columns 3..12, rows 2..7; border = rows {2,3,6,7} or columns {3,4,11,12}.
    const want = new Set<string>();
    for (let r = 2; r <= 7; r++)
      for (let c = 3; c <= 12; c++) if ([2, 3, 6, 7].includes(r) || [3, 4, 11, 12].includes(c)) want.add(`${r},${c}`);
    expect(want.size).toBe(10 * 6 - 6 * 2);
    expect(painted(rgb, W)).toEqual(want);
    for (const k of want) {
      const [r, c] = k.split(',').map(Number);
      expect([...rgb.subarray(3 * (r * W + c), 3 * (r * W + c) + 3)]).toEqual([255, 127, 14]); // tab10 orange = class 1
    }
  });

  it('rounds fractional edges and clips to the image; class colours cycle past 10', () => {
    const rgb = drawBoxes(new Uint8Array(6 * 6 * 3), 6, 6, [{ x1: -3.4, y1: 3.6, x2: 2.4, y2: 9, cls: 12 }]);
    // Columns −3..1 → 0..1 (both within 2 of the right edge 1), rows 4..8 → 4..5 (within 2 of the top 4).
    expect(painted(rgb, 6)).toEqual(new Set(['4,0', '4,1', '5,0', '5,1']));
    expect([...rgb.subarray(3 * (4 * 6), 3 * (4 * 6) + 3)]).toEqual([...DET_COLORS[2]]);
  });

  it('scaleBoxes maps input pixels to the displayed cell', () => {
    expect(scaleBoxes([{ x1: 1, y1: 2, x2: 3, y2: 4, cls: 0 }], 4, 2)).toEqual([
      { x1: 4, y1: 4, x2: 12, y2: 8, cls: 0 },
    ]);
  });
});

describe('heat-map and nearest upsampling', () => {
  it('hotColor: black → red → yellow', () => {
    expect(hotColor(0)).toEqual([0, 0, 0]);
    expect(hotColor(0.25)).toEqual([128, 0, 0]);
    expect(hotColor(0.5)).toEqual([255, 0, 0]);
    expect(hotColor(0.75)).toEqual([255, 128, 0]);
    expect(hotColor(1)).toEqual([255, 255, 0]);
    expect([...heatMap([0, 2, 4], 4)]).toEqual([0, 0, 0, 255, 0, 0, 255, 255, 0]);
    expect([...heatMap([0, 0], 0)]).toEqual([0, 0, 0, 0, 0, 0]); // an empty mask stays black
  });

  it('nearestSourceIndex: a 2×2 map at 4× reads (⌊y/4⌋, ⌊x/4⌋)', () => {
    const idx = nearestSourceIndex(2, 2, 8, 8);
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) expect(idx[y * 8 + x]).toBe(Math.floor(y / 4) * 2 + Math.floor(x / 4));
  });
});
