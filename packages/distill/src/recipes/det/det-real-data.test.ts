import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sample } from '@kd/data';
import { letterbox, resolveDetRoots } from './det-real-data.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'det-roots-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const touch = (...parts: string[]) => {
  const f = path.join(tmp, ...parts);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, '');
};

describe('resolveDetRoots (METHODS §5.6 layouts)', () => {
  it('VOCdevkit with VOC2012: 2007+2012 trainval → 2007 test; a folder holding VOCdevkit resolves the same', () => {
    for (const y of ['VOC2007', 'VOC2012']) touch('voc', 'VOCdevkit', y, 'ImageSets', 'Main', 'trainval.txt');
    touch('voc', 'VOCdevkit', 'VOC2007', 'ImageSets', 'Main', 'test.txt');
    const dev = path.join(tmp, 'voc', 'VOCdevkit');
    const r = resolveDetRoots('voc/VOCdevkit', tmp);
    expect(r.kind).toBe('voc-det');
    expect(r.layout).toBe('VOC2007+2012 trainval → VOC2007 test');
    expect(r.train).toEqual([
      { root: path.join(dev, 'VOC2007'), split: 'trainval' },
      { root: path.join(dev, 'VOC2012'), split: 'trainval' },
    ]);
    expect(r.test).toEqual({ root: path.join(dev, 'VOC2007'), split: 'test' });
    expect(resolveDetRoots('voc', tmp)).toEqual(r);
  });

  it('COCO JSON: train2017 → val2017', () => {
    touch('fall', 'annotations', 'instances_train2017.json');
    touch('fall', 'annotations', 'instances_val2017.json');
    const r = resolveDetRoots(path.join(tmp, 'fall'), '/elsewhere');
    expect([r.kind, r.train, r.test]).toEqual([
      'coco-det',
      [{ root: path.join(tmp, 'fall'), split: 'train2017' }],
      { root: path.join(tmp, 'fall'), split: 'val2017' },
    ]);
  });

  it('a missing root or split is a UsageError naming the key, the path and the expected layouts', () => {
    expect(() => resolveDetRoots('nosuch', tmp)).toThrow(
      `det recipe: dataset 'nosuch' → ${path.join(tmp, 'nosuch')} does not exist; expected Pascal VOC (VOCdevkit/VOC2007`,
    );
    touch('half', 'annotations', 'instances_train2017.json');
    expect(() => resolveDetRoots('half', tmp)).toThrow(
      /has no annotations\/instances_val2017\.json; expected .*COCO JSON/,
    );
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(() => resolveDetRoots('empty', tmp)).toThrow(/is neither a VOC nor a COCO-JSON detection root/);
  });
});

describe('letterbox (YOLOX: keep ratio, pad 114 right/bottom)', () => {
  it('a 4×2 image to 8²: scale 2, 8×4 image on top, 114 below, boxes ×2', () => {
    const s: Sample = {
      name: 'a',
      width: 4,
      height: 2,
      image: new Uint8Array(4 * 2 * 3).fill(10),
      objects: [{ cls: 3, x1: 1, y1: 0, x2: 3, y2: 1, difficult: false, truncated: false }],
    };
    const out = letterbox(s, 8);
    expect([out.width, out.height]).toEqual([8, 8]);
    expect(out.objects).toEqual([{ cls: 3, x1: 2, y1: 0, x2: 6, y2: 2, difficult: false, truncated: false }]);
    const px = (x: number, y: number) => out.image[(y * 8 + x) * 3];
    expect([px(0, 0), px(7, 3), px(0, 4), px(7, 7)]).toEqual([10, 10, 114, 114]);
  });
});
