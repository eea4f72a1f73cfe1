import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { LABEL_ID_TO_TRAIN_ID } from '../seg/cityscapes-labels.ts';
import { tempDir } from '../testing/tiny-png.ts';
import { streetColourStats } from './street-stats.ts';
import { renderStreet, synthCityscapesDataset, type StreetStyle } from './write-cityscapes.ts';

const scenes = (style: StreetStyle, split: string, n: number) => {
  const rng = new Rng(1, 'synthetic-cityscapes');
  return Array.from({ length: n }, (_, i) => renderStreet(style, rng.fork(`${split}/${i}`), 128, 64));
};
const root = tempDir('street-objects');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('street twin, objects style', () => {
  it('colour no longer names the things: a colour lookup fit on 32 frames scores 0.3 % of 16 frames’ thing pixels (classic 71 %)', () => {
    const classic = streetColourStats(scenes('classic', 'train', 32), scenes('classic', 'val', 16));
    const objects = streetColourStats(scenes('objects', 'train', 32), scenes('objects', 'val', 16));
    expect(classic.thingAccuracy).toBeCloseTo(0.712841, 5);
    expect(classic.thingRecall).toBeCloseTo(0.784606, 5);
    expect(objects.thingAccuracy).toBeCloseTo(0.002728, 5);
    expect(objects.thingRecall).toBeCloseTo(0.006988, 5);
    // Pixels and frames per train id over the 16 test frames (train, motorcycle never drawn).
    expect(objects.pixels).toEqual([
      23922, 13650, 30843, 550, 601, 737, 318, 345, 5651, 21190, 18922, 1114, 206, 1488, 1262, 1621, 0, 0, 240,
    ]);
    expect(objects.scenes).toEqual([16, 16, 16, 5, 5, 16, 11, 13, 15, 16, 16, 12, 10, 16, 6, 5, 0, 0, 10]);
  });

  it('co-occurrence: riders always on bicycles, bicycles only under riders, never a bus and a truck together', () => {
    const frames = scenes('objects', 'train', 64).map(
      (s) => new Set([...s.labelIds].map((id) => LABEL_ID_TO_TRAIN_ID[id])),
    );
    const has = (f: Set<number>, t: number) => f.has(t);
    expect(frames.filter((f) => has(f, 12) !== has(f, 18)).length).toBe(0);
    expect(frames.filter((f) => has(f, 14) && has(f, 15)).length).toBe(0);
    expect(frames.filter((f) => has(f, 12)).length).toBeGreaterThan(10);
    expect(frames.filter((f) => has(f, 14)).length).toBeGreaterThan(5);
    expect(frames.filter((f) => has(f, 15)).length).toBeGreaterThan(5);
  });

  it('writes nVal validation frames in the chosen style; the default twin keeps ⌈n/4⌉ classic frames', async () => {
    const count = (d: string, split: string) =>
      fs.readdirSync(path.join(d, 'gtFine', split), { recursive: true }).filter((f) => String(f).endsWith('.png'))
        .length;
    const a = path.join(root, 'objects');
    await synthCityscapesDataset(a, { seed: 1, n: 8, width: 32, height: 16, style: 'objects', nVal: 6 });
    expect([count(a, 'train'), count(a, 'val')]).toEqual([8, 6]);
    const b = path.join(root, 'classic');
    await synthCityscapesDataset(b, { seed: 1, n: 8, width: 32, height: 16 });
    expect([count(b, 'train'), count(b, 'val')]).toEqual([8, 2]);
  });
});
