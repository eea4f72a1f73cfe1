import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { CITYSCAPES_CLASSES, LABEL_ID_TO_TRAIN_ID } from './cityscapes-labels.ts';
import { listCityscapes, loadCityscapesSample } from './cityscapes.ts';
import { readIndexPng } from '../png/index-png.ts';
import { encodeTinyPng, put, tempDir } from '../testing/tiny-png.ts';
import { realDataDir } from '../testing/shared-dir.ts';

const root = tempDir('cityscapes');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const rgbPng = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 1, g: 2, b: 3 } } })
    .png()
    .toBuffer();

describe('Cityscapes label table', () => {
  it.each([
    [0, 255],
    [1, 255],
    [6, 255],
    [7, 0],
    [8, 1],
    [9, 255],
    [11, 2],
    [17, 5],
    [18, 255],
    [23, 10],
    [26, 13],
    [29, 255],
    [31, 16],
    [33, 18],
    [255, 255],
    [34, -1],
    [200, -1],
  ])('label id %i → train id %i (−1: not in the table)', (id, train) => expect(LABEL_ID_TO_TRAIN_ID[id]).toBe(train));

  it('has the 19 train classes in train-id order', () => {
    expect(CITYSCAPES_CLASSES).toHaveLength(19);
    expect([CITYSCAPES_CLASSES[0], CITYSCAPES_CLASSES[6], CITYSCAPES_CLASSES[18]]).toEqual([
      'road',
      'traffic light',
      'bicycle',
    ]);
  });
});

describe('Cityscapes reader on a hand-made frame', () => {
  it('maps *_gtFine_labelIds.png and checks *_gtFine_labelTrainIds.png', async () => {
    const stem = 'zurich_000001_000019';
    put(root, `leftImg8bit/val/zurich/${stem}_leftImg8bit.png`, await rgbPng(4, 2));
    put(
      root,
      `gtFine/val/zurich/${stem}_gtFine_labelIds.png`,
      encodeTinyPng({ width: 4, height: 2, colorType: 0, data: [7, 8, 26, 0, 33, 24, 255, 23] }),
    );
    put(root, `leftImg8bit/val/zurich/zurich_000002_000019_leftImg8bit.png`, await rgbPng(4, 2));
    put(
      root,
      `gtFine/val/zurich/zurich_000002_000019_gtFine_labelTrainIds.png`,
      encodeTinyPng({ width: 4, height: 2, colorType: 0, data: [0, 18, 255, 3, 3, 3, 3, 3] }),
    );
    const { refs, bad } = listCityscapes(root, 'val');
    expect(bad).toEqual([]);
    expect(refs.map((r) => r.name)).toEqual([stem, 'zurich_000002_000019']);
    expect([...(await loadCityscapesSample(refs[0])).label!]).toEqual([0, 1, 13, 255, 18, 11, 255, 10]);
    expect([...(await loadCityscapesSample(refs[1])).label!]).toEqual([0, 18, 255, 3, 3, 3, 3, 3]);
  });
});

const REAL = realDataDir('seg/cityscapes');
describe.skipIf(!fs.existsSync(REAL))(
  'Cityscapes reader on the real frankfurt_000000_000294 (needs ../shared/real-data/seg/cityscapes, or KD_SHARED_DIR)',
  () => {
    it('labelIds mapped through the table agree with the shipped labelTrainIds except on resampled boundaries', async () => {
      // Both files were downscaled 8× separately upstream, so ~80 boundary pixels disagree; a wrong
      // table entry would flip whole regions (thousands of pixels).
      const ref = {
        name: 'f',
        image: path.join(REAL, 'frankfurt_000000_000294_leftImg8bit.png'),
        label: path.join(REAL, 'frankfurt_000000_000294_gtFine_labelIds.png'),
      };
      const s = await loadCityscapesSample(ref);
      const shipped = readIndexPng(path.join(REAL, 'frankfurt_000000_000294_gtFine_labelTrainIds.png')).data;
      expect([s.width, s.height]).toEqual([256, 128]);
      let differ = 0,
        offBoundary = 0;
      for (let i = 0; i < shipped.length; i++) {
        if (s.label![i] === shipped[i]) continue;
        differ++;
        const x = i % 256,
          y = Math.floor(i / 256);
        let near = false;
        for (let dy = -2; dy <= 2; dy++)
          for (let dx = -2; dx <= 2; dx++) {
            const xx = x + dx,
              yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < 256 && yy < 128 && shipped[yy * 256 + xx] === s.label![i]) near = true;
          }
        if (!near) offBoundary++;
      }
      expect(differ).toBeLessThan(shipped.length * 0.005);
      expect(offBoundary).toBe(0);
      expect([...new Set(s.label)].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 7, 8, 10, 11, 13, 255]);
    });
  },
);
