import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { readGray, readRgb } from '../image-io.ts';
import { tempDir } from '../testing/tiny-png.ts';
import { renderSodScene } from './sod-scene.ts';
import { applySodStyle } from './sod-style.ts';
import { synthSodShiftedDataset } from './write-sod-shifted.ts';

const root = tempDir('sod-shifted');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const mean = (a: Uint8Array, ch: number) => {
  let s = 0;
  for (let i = ch; i < a.length; i += 3) s += a[i];
  return s / (a.length / 3);
};

describe('shifted SOD twin', () => {
  it('source is the renderer itself; target keeps the mask and moves the colour statistics', () => {
    const scene = renderSodScene(new Rng(3, 'x'), 48, 40);
    expect(applySodStyle(scene, 'source', new Rng(1))).toBe(scene);
    const t = applySodStyle(scene, 'target', new Rng(1));
    expect(t.mask).toBe(scene.mask);
    expect(t.rgb.length).toBe(scene.rgb.length);
    // warm cast + gamma 1.35: blue falls far more than red, and every channel gets darker on average
    const dr = mean(t.rgb, 0) - mean(scene.rgb, 0),
      db = mean(t.rgb, 2) - mean(scene.rgb, 2);
    expect(db).toBeLessThan(-30);
    expect(dr).toBeGreaterThan(db + 20);
  });

  it('writes the KD-SCFNet layout: train in the source style, test in the target style, deterministic', async () => {
    const opts = {
      seed: 4,
      splits: { train: { n: 3, style: 'source' as const }, test: { n: 2, style: 'target' as const } },
      width: 32,
      height: 24,
      labeled: true,
    };
    const dir = path.join(root, 'a');
    expect(await synthSodShiftedDataset(dir, opts)).toBe(true);
    expect(await synthSodShiftedDataset(dir, opts)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'train.txt'), 'utf8')).toBe('train_00000\ntrain_00001\ntrain_00002\n');
    expect(fs.readFileSync(path.join(dir, 'test.txt'), 'utf8')).toBe('test_00000\ntest_00001\n');
    const rng = new Rng(4, 'synthetic-sod-shifted').fork('test').fork('1');
    const want = applySodStyle(renderSodScene(rng, 32, 24), 'target', rng.fork('style'));
    const mask = await readGray(path.join(dir, 'mask', 'test_00001.png'));
    expect([mask.width, mask.height]).toEqual([32, 24]);
    expect(Array.from(mask.data)).toEqual(Array.from(want.mask));
    const img = await readRgb(path.join(dir, 'image', 'test_00001.jpg'));
    // JPEG: the mean per channel within 3 levels of the styled RGB
    for (const ch of [0, 1, 2]) {
      let s = 0;
      for (let i = ch; i < img.data.length; i += img.channels) s += img.data[i];
      expect(Math.abs(s / (img.width * img.height) - mean(want.rgb, ch))).toBeLessThan(3);
    }
  });
});
