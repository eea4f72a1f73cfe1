import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, type Box } from '@kd/core';
import type { Sample } from '@kd/data';
import { gaussianForegroundMask } from '@kd/losses';
import { createModel } from '@kd/models';
import { useBackend } from '@kd/runtime';
import { FSD_MASK_COLUMNS, fsdLevelMasks, fsdMaskRows, yoloxMapSide } from './fsd-masks.ts';
import { hotColor } from './heat-map.ts';

const S = 64;
const box: Box = [8, 8, 40, 24];
const sample: Sample = {
  name: 'one box',
  width: S,
  height: S,
  image: new Uint8Array(S * S * 3),
  objects: [{ x1: 8, y1: 8, x2: 40, y2: 24, cls: 0, difficult: false, truncated: false }],
};

beforeAll(async () => {
  await useBackend('cpu');
});

describe('FSD mask figure', () => {
  it("yoloxMapSide equals the YOLOX outputs' map sides", () => {
    expect([8, 16, 32].map((s) => yoloxMapSide(64, s))).toEqual([8, 4, 2]);
    expect(() => yoloxMapSide(100, 8)).toThrow(/multiple of 32 \(YOLOX\), got 100/);
    const m = createModel('yolox-tiny', { rng: new Rng(1), numClasses: 2, width: 0.125 });
    for (const side of [64, 96]) {
      const outs = tf.tidy(() => m.forward(tf.zeros([1, side, side, 3])).map((t) => t.shape.slice(1, 3)));
      expect(outs).toEqual([8, 16, 32].map((s) => [yoloxMapSide(side, s), yoloxMapSide(side, s)]));
    }
    m.dispose();
  });

  it('per level: the masks are gaussianForegroundMask at that level (p3 inside the box = 1/15)', () => {
    const levels = fsdLevelMasks([box], S);
    expect(levels.map((l) => [l.stride, l.size])).toEqual([
      [8, [8, 8]],
      [16, [4, 4]],
      [32, [2, 2]],
    ]);
    for (const l of levels) {
      for (const mode of ['intended', 'literal'] as const) {
        const want = gaussianForegroundMask([[box]], { imageSize: [S, S], featureSize: l.size, mode });
        expect([...l.fg[mode]]).toEqual([...want.dataSync()]);
        want.dispose();
        // The background mask: 1/count where fg = 0, so it sums to 1 (or is empty).
        const zeros = l.fg[mode].filter((v) => v === 0).length;
        expect([...l.bg[mode]]).toEqual([...l.fg[mode]].map((v) => (v === 0 ? 1 / zeros : 0)).map(Math.fround));
      }
    }
    // p3: the box is cells [1,1]–[5,3] → area = 1/((3 − 1 + 1)(5 − 1 + 1)) = 1/15 inside it.
    expect(levels[0].fg.intended[2 * 8 + 3]).toBe(Math.fround(1 / 15));
    expect(levels[0].fg.intended[7 * 8 + 7]).toBe(0);
    expect(levels[0].bg.intended[7 * 8 + 7]).toBeGreaterThan(0);
  });

  it("each panel pixel is the hot colour of its level's mask cell (nearest upsampling)", () => {
    const levels = fsdLevelMasks([box], S);
    const cell = 64;
    const rows = fsdMaskRows(sample, levels, cell);
    expect(rows.map((r) => r.length)).toEqual([5, 5, 5]);
    expect(FSD_MASK_COLUMNS).toEqual([
      'image + boxes',
      'fg (intended)',
      'bg (intended)',
      'fg (literal)',
      'bg (literal)',
    ]);
    levels.forEach((l, r) => {
      const [H, W] = l.size,
        f = cell / W;
      const panels = [l.fg.intended, l.bg.intended, l.fg.literal, l.bg.literal];
      panels.forEach((mask, c) => {
        const got = rows[r][c + 1];
        expect([got.width, got.height]).toEqual([cell, cell]);
        const max = Math.max(...mask);
        const want = new Uint8Array(cell * cell * 3);
        for (let y = 0; y < cell; y++)
          for (let x = 0; x < cell; x++) {
            const v = mask[Math.floor(y / f) * W + Math.floor(x / f)];
            want.set(max > 0 ? hotColor(v / max) : [0, 0, 0], 3 * (y * cell + x));
          }
        expect(Buffer.from(got.rgb).equals(Buffer.from(want))).toBe(true);
        expect(H).toBe(W);
      });
    });
    // p3 fg (intended): the in-box cell (row 2, col 3) is the panel max → yellow.
    const p3 = rows[0][1];
    expect([...p3.rgb.subarray(3 * (2 * 8 * cell + 3 * 8), 3 * (2 * 8 * cell + 3 * 8) + 3)]).toEqual([255, 255, 0]);
  });
});
