import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { listCoco, loadCocoSample } from './coco-json.ts';
import { put, tempDir } from '../testing/tiny-png.ts';

const root = tempDir('coco');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const jpeg = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 90, g: 20, b: 200 } } })
    .jpeg()
    .toBuffer();

describe('listCoco', () => {
  it('maps sorted category ids to 0..K−1 and [x, y, w, h] to pixel edges', async () => {
    put(root, 'val2017/000000000007.jpg', await jpeg(40, 30));
    put(root, 'val2017/000000000009.jpg', await jpeg(20, 10));
    put(
      root,
      'annotations/instances_val2017.json',
      JSON.stringify({
        images: [
          { id: 7, file_name: '000000000007.jpg', width: 40, height: 30 },
          { id: 9, file_name: '000000000009.jpg', width: 20, height: 10 },
        ],
        categories: [
          { id: 5, name: 'stand' },
          { id: 2, name: 'fall' },
        ],
        annotations: [
          { id: 1, image_id: 7, category_id: 5, bbox: [2.5, 3, 10, 20], iscrowd: 0 },
          { id: 2, image_id: 7, category_id: 2, bbox: [0, 0, 40, 30], iscrowd: 1 },
        ],
      }),
    );
    const { classes, refs, bad } = listCoco(root, 'val2017');
    expect(classes).toEqual(['fall', 'stand']);
    expect(bad).toEqual([]);
    expect(refs.map((r) => r.name)).toEqual(['000000000007', '000000000009']);
    expect(refs[0].objects).toEqual([
      { cls: 1, x1: 2.5, y1: 3, x2: 12.5, y2: 23, difficult: false, truncated: false },
      { cls: 0, x1: 0, y1: 0, x2: 40, y2: 30, difficult: true, truncated: false },
    ]);
    expect(refs[1].objects).toEqual([]);
    const s = await loadCocoSample(refs[0]);
    expect([s.width, s.height, s.image.length]).toEqual([40, 30, 40 * 30 * 3]);
  });

  it('refuses an image whose JSON size differs from the file', async () => {
    const { refs } = listCoco(root, 'val2017');
    await expect(loadCocoSample({ ...refs[1], declaredSize: { width: 21, height: 10 } })).rejects.toThrow(
      `${path.join(root, 'val2017', '000000000009.jpg')}: image is 20×10 but instances_val2017.json says 21×10`,
    );
  });
});
