import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutLegend, renderGrid, type GridCell } from './image-grid.ts';
import { CITYSCAPES_COLORS, segLegend } from './seg-palette.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-grid-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const cell = (v: number): GridCell => ({ rgb: new Uint8Array(8 * 4 * 3).fill(v), width: 8, height: 4 });

describe('qualitative grid: capped width, row labels, colour key', () => {
  it('without options: cells at their size, width = columns·(cellW + 4) + 4', async () => {
    const f = path.join(root, 'plain.png');
    await renderGrid(f, ['a', 'b'], [[cell(10), cell(200)]], 40, 20);
    const m = await sharp(f).metadata();
    expect([m.width, m.height]).toEqual([2 * 44 + 4, 22 + 24 + 4]);
  });

  it('16 columns of 256×128 cells are shrunk (aspect kept) to fit 1800 px; legend lines add height', async () => {
    const f = path.join(root, 'wide.png');
    const cols = Array.from({ length: 16 }, (_, i) => `c${i}`);
    const rows = [0, 1, 2].map((r) => cols.map(() => cell(40 * r)));
    const legend = segLegend();
    await renderGrid(f, cols, rows, 256, 128, { rowLabels: ['image | ground truth', 'teacher', 'no KD'], legend });
    const m = await sharp(f).metadata();
    const labelW = 7 * 'image | ground truth'.length + 12; // 152
    const cellW = Math.floor((1800 - labelW - 4) / 16 - 4); // 98
    const width = labelW + 16 * (cellW + 4) + 4;
    expect(m.width).toBe(width);
    expect(m.width).toBeLessThanOrEqual(1800);
    const lines = layoutLegend(
      legend.map((e) => e.label),
      width,
    ).lines;
    expect(lines).toBe(2);
    expect(m.height).toBe(22 + 3 * (49 + 4) + 4 + lines * 20 + 8);
  });

  it('the seg legend names the 19 classes in train-id order with their colours, then ignore and the error colours', () => {
    const l = segLegend();
    expect(l).toHaveLength(23);
    expect(l[0]).toEqual({ rgb: CITYSCAPES_COLORS[0], label: 'road' });
    expect(l[18]).toEqual({ rgb: CITYSCAPES_COLORS[18], label: 'bicycle' });
    expect(l.slice(19).map((e) => e.label)).toEqual([
      'ignore (255)',
      'error: wrong class',
      'error map: ignore',
      'error map: correct',
    ]);
    expect(layoutLegend(['aaaa', 'bbbb', 'cccc'], 100)).toEqual({
      at: [
        [4, 0],
        [4, 1],
        [4, 2],
      ],
      lines: 3,
    });
  });
});
