import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import { listImageFiles } from '../dataset/list-file.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, SampleRef } from '../dataset/types.ts';
import { synthSodDataset } from '../synthetic/write-sod.ts';
import { listKdScfnet } from './kdscfnet-layout.ts';
import { loadSodSample } from './load-sod-sample.ts';

/**
 * Lists an unlabeled image source, first match wins:
 * 1. KD-SOD80K layout: `<root>/image/<name>.jpg` + `<root>/<split>.txt`;
 * 2. every image directly in `<root>/image/`;
 * 3. every image directly in `<root>` (any image folder works).
 */
export function listUnlabeled(root: string, split: string): { refs: SampleRef[]; bad: BadSample[] } {
  const imageDir = path.join(root, 'image');
  if (fs.existsSync(imageDir) && fs.existsSync(path.join(root, `${split}.txt`)))
    return listKdScfnet(root, split, false);
  const dir = fs.existsSync(imageDir) ? imageDir : root;
  if (!fs.existsSync(dir)) throw new DataError('image folder not found', dir);
  const files = listImageFiles(dir);
  if (files.length === 0) throw new DataError('split is empty (no .jpg/.png images in the folder)', dir);
  return { refs: files.map((f) => ({ name: path.parse(f).name, image: path.join(dir, f) })), bad: [] };
}

/** `sod-unlabeled`: images without masks, for distillation through unlabeled data (KD-SOD80K). */
export const unlabeledSodKind: DatasetKind = {
  name: 'sod-unlabeled',
  task: 'sod',
  labeled: false,
  description: 'Unlabeled images: KD-SOD80K (image/*.jpg + <split>.txt) or any image folder',
  defaultSplit: 'train',
  list: (root, split) => ({ classes: [], ...listUnlabeled(root, split) }),
  load: loadSodSample,
  synth: async (out, o) => {
    await synthSodDataset(out, {
      seed: o.seed,
      splits: { train: o.n },
      width: o.width ?? 352,
      height: o.height ?? 352,
      labeled: false,
    });
  },
};
