import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './register-kinds.ts';
import { datasetKind, openDataset } from './dataset-kind.ts';
import { inspectDataset } from './inspect.ts';
import { encodeTinyPng, tempDir } from '../testing/tiny-png.ts';

/**
 * Every kind of bad input of issue 3, one row each: a tiny synthetic twin is copied and broken
 * in one way; reading must fail with a message naming the file and the problem, and inspect
 * (which skips and collects) must list exactly that file.
 */
const root = tempDir('bad');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const W = 48,
  H = 32;
const base = (k: string) => path.join(root, 'base', k);
beforeAll(async () => {
  for (const k of ['sod-kdscfnet', 'cityscapes', 'voc-seg', 'coco-det'])
    await datasetKind(k).synth(base(k), { n: 3, seed: 9, width: W, height: H });
});

const CITY_LABEL = 'gtFine/train/aachen/aachen_000000_000019_gtFine_labelIds.png';
const XML = 'Annotations/2099_000001.xml';
const edit = (f: string, fn: (s: string) => string) => fs.writeFileSync(f, fn(fs.readFileSync(f, 'utf8')));

interface Case {
  what: string;
  kind: string;
  from: string;
  split?: string;
  /** Breaks the copy at `d`; returns the file the error must name (relative to d). */
  breakIt: (d: string) => string;
  reason: RegExp;
  /** Not skippable: the whole split is unusable. */
  fatal?: boolean;
}

const CASES: Case[] = [
  {
    what: 'a missing mask for an image',
    kind: 'sod',
    from: 'sod-kdscfnet',
    breakIt: (d) => (fs.rmSync(path.join(d, 'mask/train_00001.png')), 'train.txt'),
    reason: /line 2: missing mask for image 'train_00001' \(expected mask\/train_00001\.png\)/,
  },
  {
    what: 'an image/mask size mismatch',
    kind: 'sod',
    from: 'sod-kdscfnet',
    breakIt: (d) => (
      fs.writeFileSync(
        path.join(d, 'mask/train_00000.png'),
        encodeTinyPng({ width: 10, height: 10, colorType: 0, data: new Array(100).fill(255) }),
      ),
      'mask/train_00000.png'
    ),
    reason: /mask is 10×10 but its image train_00000\.jpg is 48×32/,
  },
  {
    what: 'a truncated JPEG',
    kind: 'sod',
    from: 'sod-kdscfnet',
    breakIt: (d) => (fs.truncateSync(path.join(d, 'image/train_00002.jpg'), 300), 'image/train_00002.jpg'),
    reason: /cannot decode image/,
  },
  {
    what: 'a truncated label PNG',
    kind: 'cityscapes',
    from: 'cityscapes',
    breakIt: (d) => (fs.truncateSync(path.join(d, CITY_LABEL), 60), CITY_LABEL),
    reason: /corrupt or truncated PNG/,
  },
  {
    what: 'an RGB mask where palette indices are expected',
    kind: 'voc-seg',
    from: 'voc-seg',
    breakIt: (d) => (
      fs.writeFileSync(
        path.join(d, 'SegmentationClass/2099_000002.png'),
        encodeTinyPng({ width: W, height: H, colorType: 2, data: new Array(W * H * 3).fill(128) }),
      ),
      'SegmentationClass/2099_000002.png'
    ),
    reason: /label PNG has 3 channels \(RGB colours\); expected palette indices/,
  },
  {
    what: 'a Cityscapes label id not in the table',
    kind: 'cityscapes',
    from: 'cityscapes',
    breakIt: (d) => (
      fs.writeFileSync(
        path.join(d, CITY_LABEL),
        encodeTinyPng({ width: W, height: H, colorType: 0, data: new Array(W * H).fill(7).fill(40, W + 3, W + 4) }),
      ),
      CITY_LABEL
    ),
    reason: /label id 40 at \(x 3, y 1\) is not in the Cityscapes label table/,
  },
  {
    what: 'a list entry naming a file that does not exist',
    kind: 'voc-det',
    from: 'voc-seg',
    breakIt: (d) => (
      fs.appendFileSync(path.join(d, 'ImageSets/Main/trainval.txt'), '2099_999999\n'),
      'ImageSets/Main/trainval.txt'
    ),
    reason: /line 4: image JPEGImages\/2099_999999\.jpg not found/,
  },
  {
    what: 'a list entry escaping the dataset root',
    kind: 'sod',
    from: 'sod-kdscfnet',
    breakIt: (d) => (fs.appendFileSync(path.join(d, 'train.txt'), '../../etc/passwd\n'), 'train.txt'),
    reason: /line 4: '\.\.\/\.\.\/etc\/passwd' escapes the dataset root/,
  },
  {
    what: 'a VOC list entry escaping the root',
    kind: 'voc-seg',
    from: 'voc-seg',
    breakIt: (d) => (
      fs.appendFileSync(path.join(d, 'ImageSets/Segmentation/train.txt'), '../JPEGImages/2099_000000\n'),
      'ImageSets/Segmentation/train.txt'
    ),
    reason: /line 4: .* escapes the dataset root/,
  },
  {
    what: 'an empty split',
    kind: 'sod',
    from: 'sod-kdscfnet',
    breakIt: (d) => (fs.writeFileSync(path.join(d, 'train.txt'), '\n\n'), 'train.txt'),
    reason: /split is empty/,
    fatal: true,
  },
  {
    what: 'a VOC XML without <size>',
    kind: 'voc-det',
    from: 'voc-seg',
    breakIt: (d) => (edit(path.join(d, XML), (s) => s.replace(/<size>[\s\S]*<\/size>/, '')), XML),
    reason: /annotation has no <size>/,
  },
  {
    what: 'a VOC box outside the image',
    kind: 'voc-det',
    from: 'voc-seg',
    breakIt: (d) => (edit(path.join(d, XML), (s) => s.replace(/<xmax>\d+<\/xmax>/, '<xmax>49</xmax>')), XML),
    reason: /object 1 \(\w+\): box \(\d+, \d+, 49, \d+\) lies outside the 48×32 image/,
  },
  {
    what: 'a VOC <size> that is not the image size',
    kind: 'voc-det',
    from: 'voc-seg',
    breakIt: (d) => (edit(path.join(d, XML), (s) => s.replace('<width>48</width>', '<width>480</width>')), XML),
    reason: /<size> says 480×32 but 2099_000001\.jpg is 48×32/,
  },
  {
    what: 'a COCO annotation pointing to an unknown image',
    kind: 'coco-det',
    from: 'coco-det',
    split: 'train2017',
    breakIt: (d) => {
      edit(path.join(d, 'annotations/instances_train2017.json'), (s) => {
        const j = JSON.parse(s);
        j.annotations.push({ id: 999, image_id: 424242, category_id: 1, bbox: [1, 1, 2, 2] });
        return JSON.stringify(j);
      });
      return 'annotations/instances_train2017.json';
    },
    reason: /annotation 999: image_id 424242 is not in "images"/,
  },
];

/** The first error reading the dataset raises (listing, then each sample), or null. */
async function firstError(kind: string, dir: string, split?: string): Promise<string | null> {
  try {
    const idx = openDataset(kind, dir, split);
    for (const ref of idx.refs) await datasetKind(kind).load(ref);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('bad input', () => {
  it.each(CASES.map((c, i) => [c.what, i] as const))(
    '%s: a clear error naming the file; inspect lists it',
    async (_what, i) => {
      const c = CASES[i];
      const dir = path.join(root, `case${i}`);
      fs.cpSync(base(c.from), dir, { recursive: true });
      expect(await firstError(c.kind, dir, c.split)).toBeNull();
      const file = path.join(dir, c.breakIt(dir));
      const msg = await firstError(c.kind, dir, c.split);
      expect(msg).toContain(`${file}: `);
      expect(msg).toMatch(c.reason);
      if (c.fatal) {
        await expect(inspectDataset(c.kind, dir, c.split)).rejects.toThrow(c.reason);
      } else {
        const r = await inspectDataset(c.kind, dir, c.split);
        expect(r.bad).toHaveLength(1);
        expect(r.bad[0].file).toBe(file);
        expect(r.bad[0].reason).toMatch(c.reason);
        expect(r.samples).toBeGreaterThanOrEqual(2);
      }
    },
  );
});
