import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '@kd/core';
import {
  loadDetSplit,
  openDetSplits,
  padSample,
  resizeSample,
  type DetSplit,
  type LazyDetSplit,
  type Sample,
} from '@kd/data';

/** The dataset names the det recipe synthesises (quick profile); any other `dataset` value is a path. */
export const SYNTHETIC_DET = ['coco-det', 'voc-det'] as const;

/** Where a real detection root's splits are: one reader kind, one or more train splits, one test split. */
export interface DetRoots {
  kind: 'voc-det' | 'coco-det';
  /** `VOC2007+2012 trainval → VOC2007 test` or `COCO JSON train2017 → val2017`. */
  layout: string;
  train: { root: string; split: string }[];
  test: { root: string; split: string };
}

export const DET_LAYOUTS = `Pascal VOC (VOCdevkit/VOC2007/{JPEGImages/*.jpg, Annotations/*.xml, ImageSets/Main/{trainval,test}.txt}, optional VOCdevkit/VOC2012 with its trainval.txt) or COCO JSON (annotations/instances_{train,val}2017.json with the images in train2017/ and val2017/)`;

const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
const has = (p: string) => fs.existsSync(p);

/**
 * Resolves `dataset` (a path, relative to `dataRoot`) to its splits (METHODS §5.6):
 * - a VOCdevkit (or a folder holding one): VOC2007 trainval [+ VOC2012 trainval] → VOC2007 test;
 * - a VOC year folder itself (ImageSets/Main/trainval.txt and test.txt): trainval → test;
 * - a COCO-JSON root (or a folder holding `coco/`): instances_train2017 → instances_val2017.
 * Anything else is a UsageError naming the key, the path and the expected layouts.
 */
export function resolveDetRoots(dataset: string, dataRoot: string): DetRoots {
  const root = path.resolve(dataRoot, dataset);
  const fail = (why: string): never => {
    throw new UsageError(`det recipe: dataset '${dataset}' → ${root} ${why}; expected ${DET_LAYOUTS}`);
  };
  if (!isDir(root)) fail('does not exist');
  const devkit = [root, path.join(root, 'VOCdevkit')].find((d) => isDir(path.join(d, 'VOC2007')));
  if (devkit) {
    const y07 = path.join(devkit, 'VOC2007'),
      y12 = path.join(devkit, 'VOC2012');
    const train = [{ root: y07, split: 'trainval' }, ...(isDir(y12) ? [{ root: y12, split: 'trainval' }] : [])];
    for (const t of [...train, { root: y07, split: 'test' }])
      if (!has(path.join(t.root, 'ImageSets', 'Main', `${t.split}.txt`)))
        fail(`has no ${path.relative(root, path.join(t.root, 'ImageSets', 'Main', `${t.split}.txt`))}`);
    return {
      kind: 'voc-det',
      layout: isDir(y12) ? 'VOC2007+2012 trainval → VOC2007 test' : 'VOC2007 trainval → VOC2007 test',
      train,
      test: { root: y07, split: 'test' },
    };
  }
  const main = path.join(root, 'ImageSets', 'Main');
  if (has(path.join(main, 'trainval.txt')) && has(path.join(main, 'test.txt')))
    return {
      kind: 'voc-det',
      layout: `${path.basename(root)} trainval → test`,
      train: [{ root, split: 'trainval' }],
      test: { root, split: 'test' },
    };
  const coco = [root, path.join(root, 'coco')].find((d) => has(path.join(d, 'annotations')));
  if (coco) {
    for (const s of ['train2017', 'val2017'])
      if (!has(path.join(coco, 'annotations', `instances_${s}.json`)))
        fail(`has no ${path.relative(root, path.join(coco, 'annotations', `instances_${s}.json`))}`);
    return {
      kind: 'coco-det',
      layout: 'COCO JSON train2017 → val2017',
      train: [{ root: coco, split: 'train2017' }],
      test: { root: coco, split: 'val2017' },
    };
  }
  return fail('is neither a VOC nor a COCO-JSON detection root');
}

/**
 * YOLOX's letterbox: resize by r = S / max(w, h) (keeping the aspect ratio) to
 * round(w·r) × round(h·r), then pad right and bottom to S×S with `pad` (114). Boxes scale by r.
 */
export function letterbox(s: Sample, size: number, pad = 114): Sample {
  const r = size / Math.max(s.width, s.height);
  const w = Math.min(size, Math.max(1, Math.round(s.width * r))),
    h = Math.min(size, Math.max(1, Math.round(s.height * r)));
  const resized = w === s.width && h === s.height ? s : resizeSample(s, w, h);
  return padSample(resized, 0, size - w, size - h, 0, { image: [pad, pad, pad] });
}

/** A split with every sample letterboxed to S×S. */
const letterboxed = (split: DetSplit, size: number): DetSplit => ({
  ...split,
  samples: split.samples.map((s) => letterbox(s, size)),
});

/**
 * The train and test splits of a real detection root, letterboxed to `size`² (so the
 * augmentation's and the evaluator's S×S resize keep the aspect ratio). The train split is
 * decoded on demand (VOC 16.5k / COCO 118k images never sit in memory at once); the test split
 * is read whole. `trainLimit` and `testLimit` (`--smoke`) keep the first samples of each.
 */
export async function loadRealDet(
  roots: DetRoots,
  size: number,
  limits: { train?: number; test?: number } = {},
): Promise<{ train: LazyDetSplit; test: DetSplit }> {
  const train = openDetSplits(roots.kind, roots.train, { limit: limits.train, map: (s) => letterbox(s, size) });
  const test = await loadDetSplit(roots.kind, roots.test.root, roots.test.split, { limit: limits.test });
  return {
    train: { ...train, split: roots.train.map((t) => `${path.basename(t.root)}/${t.split}`).join('+') },
    test: letterboxed(test, size),
  };
}
