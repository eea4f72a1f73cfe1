import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs } from '@kd/core';
import { CLUTTERED_CLASSES, renderClutteredObjectScene } from './cluttered-object-scene.ts';
import { synthCocoDataset } from './write-coco.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

describe('the cluttered 8-class detection twin', () => {
  it('eight (shape, hue family) classes: no shape and no hue family alone names a class', () => {
    expect(CLUTTERED_CLASSES).toHaveLength(8);
    const pairs = new Set(CLUTTERED_CLASSES.map((c) => `${c.shape}/${c.family}`));
    expect(pairs.size).toBe(8);
    for (const c of CLUTTERED_CLASSES) {
      const sameShape = CLUTTERED_CLASSES.filter((d) => d.shape === c.shape).length;
      const sameHue = CLUTTERED_CLASSES.filter((d) => d.family === c.family).length;
      expect(sameShape > 1 || sameHue > 1).toBe(true);
    }
  });

  it('scenes are deterministic, hold 1–6 visible objects of classes 1..8 with boxes inside the image, and vary in scale', () => {
    const a = renderClutteredObjectScene(new Rng(3, 't'), 128, 96);
    const b = renderClutteredObjectScene(new Rng(3, 't'), 128, 96);
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(a.objects).toEqual(b.objects);
    const areas: number[] = [];
    for (let i = 0; i < 40; i++) {
      const s = renderClutteredObjectScene(new Rng(5, 'scene').fork(String(i)), 128, 128);
      expect(s.objects.length).toBeGreaterThanOrEqual(1);
      expect(s.objects.length).toBeLessThanOrEqual(6);
      for (const o of s.objects) {
        expect(o.cls >= 1 && o.cls <= 8).toBe(true);
        expect(o.x1 >= 0 && o.y1 >= 0 && o.x2 <= 128 && o.y2 <= 128 && o.x2 > o.x1 && o.y2 > o.y1).toBe(true);
        areas.push(o.area);
      }
    }
    areas.sort((x, y) => x - y);
    expect(areas[areas.length - 1] / areas[Math.floor(areas.length / 10)]).toBeGreaterThan(10); // small and large objects
  });

  it('synthCocoDataset style cluttered8 writes 8 contiguous categories; fall2 keeps the two Fall-like ones', async () => {
    const root = temp.make('kdlab-cluttered-');
    await synthCocoDataset(root, { seed: 1, n: 4, width: 64, height: 64, style: 'cluttered8' });
    const doc = JSON.parse(fs.readFileSync(path.join(root, 'annotations', 'instances_train2017.json'), 'utf8'));
    expect(doc.categories.map((c: { id: number; name: string }) => `${c.id}:${c.name}`)).toEqual(
      CLUTTERED_CLASSES.map((c, i) => `${i + 1}:${c.name}`),
    );
    expect(doc.images).toHaveLength(4);
    const fall = temp.make('kdlab-fall2-');
    await synthCocoDataset(fall, { seed: 1, n: 4, width: 64, height: 64 });
    const doc2 = JSON.parse(fs.readFileSync(path.join(fall, 'annotations', 'instances_train2017.json'), 'utf8'));
    expect(doc2.categories.map((c: { id: number }) => c.id)).toEqual([1, 3]);
  });
});
