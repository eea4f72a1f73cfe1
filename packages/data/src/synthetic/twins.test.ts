import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import '../dataset/register-kinds.ts';
import { datasetKind, openDataset } from '../dataset/dataset-kind.ts';
import { inspectDataset } from '../dataset/inspect.ts';
import { LABEL_ID_TO_TRAIN_ID } from '../seg/cityscapes-labels.ts';
import { tempDir } from '../testing/tiny-png.ts';
import { renderStreetScene } from './street-scene.ts';
import { addVoidBand, renderObjectScene } from './object-scene.ts';
import { renderSodScene } from './sod-scene.ts';

const root = tempDir('twins');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const W = 48,
  H = 32,
  N = 3,
  SEED = 5;
const dir = (kind: string) => path.join(root, kind);

function hashTree(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const f = path.join(p, e.name);
      if (e.isDirectory()) walk(f);
      else out[path.relative(d, f)] = crypto.createHash('sha1').update(fs.readFileSync(f)).digest('hex');
    }
  };
  walk(d);
  return out;
}

beforeAll(async () => {
  for (const k of ['sod-kdscfnet', 'sod-csnet', 'cityscapes', 'voc-seg', 'coco-det'])
    await datasetKind(k).synth(dir(k), { n: N, seed: SEED, width: W, height: H });
});

describe('synthetic twins', () => {
  it('regenerate byte-identically from their seed, and differ with another seed', async () => {
    for (const k of ['cityscapes', 'voc-seg']) {
      await datasetKind(k).synth(dir(`${k}-again`), { n: N, seed: SEED, width: W, height: H });
      expect(hashTree(dir(`${k}-again`))).toEqual(hashTree(dir(k)));
    }
    await datasetKind('voc-seg').synth(dir('voc-other'), { n: N, seed: SEED + 1, width: W, height: H });
    expect(hashTree(dir('voc-other'))['SegmentationClass/2099_000000.png']).not.toBe(
      hashTree(dir('voc-seg'))['SegmentationClass/2099_000000.png'],
    );
  });

  it('cityscapes: inspect counts equal the renderer’s label ids mapped through the official table', async () => {
    const expected = new Array(19).fill(0);
    let ignore = 0;
    for (let i = 0; i < N; i++) {
      const s = renderStreetScene(new Rng(SEED, 'synthetic-cityscapes').fork(`train/${i}`), W, H);
      for (const id of s.labelIds) {
        const t = LABEL_ID_TO_TRAIN_ID[id];
        if (t === 255) ignore++;
        else expected[t]++;
      }
    }
    const r = await inspectDataset('cityscapes', dir('cityscapes'), 'train');
    expect(r).toMatchObject({
      samples: N,
      bad: [],
      ignore_pixels: ignore,
      image_sizes: { min: { width: W, height: H }, max: { width: W, height: H } },
    });
    expect(r.class_pixels).toEqual(expected);
    expect(openDataset('cityscapes', dir('cityscapes'), 'val').refs.map((x) => x.name)).toEqual([
      'frankfurt_000000_000019',
    ]);
  });

  it('voc-seg and voc-seg-aug read the same indices (palette and grey files); voc-det reads the renderer’s boxes', async () => {
    const counts = new Array(21).fill(0);
    let ignore = 0;
    const boxes: number[][] = [];
    for (let i = 0; i < N; i++) {
      const s = renderObjectScene(new Rng(SEED, 'synthetic-voc').fork(String(i)), W, H, 20);
      for (const v of addVoidBand(s.classes, W, H))
        if (v === 255) ignore++;
        else counts[v]++;
      for (const o of s.objects) boxes.push([o.cls - 1, o.x1, o.y1, o.x2, o.y2]);
    }
    for (const kind of ['voc-seg', 'voc-seg-aug']) {
      const r = await inspectDataset(kind, dir('voc-seg'), kind === 'voc-seg' ? 'train' : 'train_aug');
      expect(r.class_pixels).toEqual(counts);
      expect(r.ignore_pixels).toBe(ignore);
    }
    const det = datasetKind('voc-det');
    const got: number[][] = [];
    for (const ref of openDataset('voc-det', dir('voc-seg')).refs)
      for (const o of (await det.load(ref)).objects!) got.push([o.cls, o.x1, o.y1, o.x2, o.y2]);
    expect(got).toEqual(boxes);
  });

  it('coco-det maps the twin’s category ids 1 and 3 to classes 0 and 1 with the renderer’s boxes', async () => {
    const idx = openDataset('coco-det', dir('coco-det'), 'train2017');
    expect(idx.classes).toEqual(['fall', 'stand']);
    const s = renderObjectScene(new Rng(SEED, 'synthetic-coco').fork('train2017/0'), W, H, 2);
    expect(idx.refs[0].objects!.map((o) => [o.cls, o.x1, o.y1, o.x2, o.y2])).toEqual(
      s.objects.map((o) => [o.cls - 1, o.x1, o.y1, o.x2, o.y2]),
    );
  });

  it('SOD twins in both layouts decode masks exactly as rendered; `sod` detects each layout', async () => {
    const k = await datasetKind('sod').load(openDataset('sod', dir('sod-kdscfnet')).refs[1]);
    expect(k.mask).toEqual(renderSodScene(new Rng(SEED, 'synthetic-sod').fork('train').fork('1'), W, H).mask);
    const c = await datasetKind('sod').load(openDataset('sod', dir('sod-csnet')).refs[2]);
    expect(c.mask).toEqual(renderSodScene(new Rng(SEED, 'synthetic-sod-csnet').fork('2'), W, H).mask);
    expect(openDataset('sod-unlabeled', path.join(dir('sod-csnet'), 'images')).refs).toHaveLength(N);
  });
});
