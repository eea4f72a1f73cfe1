import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import { listImageFiles } from '../dataset/list-file.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, SampleRef } from '../dataset/types.ts';
import { synthCsnetDataset } from '../synthetic/write-csnet.ts';
import { SOD_CLASSES, loadSodSample } from './load-sod-sample.ts';

/**
 * The folder holding `images/` and `GT/` for a CSNet-layout split: `<root>/<split>` when that
 * exists (root = `datasets/sal`, split = `ECSSD`), else `<root>` itself (split ignored).
 */
export function csnetDir(root: string, split: string): string | null {
  for (const dir of [path.join(root, split), root]) {
    if (fs.existsSync(path.join(dir, 'images')) && fs.existsSync(path.join(dir, 'GT'))) return dir;
  }
  return null;
}

/**
 * Lists a dataset in the CSNet layout (utils/prepare_data.py):
 * ```
 * <dir>/images/<name>.<jpg|png|…>   listed by directory, sorted by name
 * <dir>/GT/<name>.png               8-bit grey (RGB accepted and averaged)
 * ```
 * An image without its GT goes into `bad`; no images at all throws.
 */
export function listCsnet(root: string, split: string): { refs: SampleRef[]; bad: BadSample[] } {
  const dir = csnetDir(root, split);
  if (!dir) throw new DataError(`not a CSNet-layout dataset: expected images/ and GT/ in it or in ${split}/`, root);
  const files = listImageFiles(path.join(dir, 'images'));
  if (files.length === 0) throw new DataError('split is empty (no images)', path.join(dir, 'images'));
  const refs: SampleRef[] = [];
  const bad: BadSample[] = [];
  for (const f of files) {
    const name = path.parse(f).name;
    const image = path.join(dir, 'images', f);
    const mask = path.join(dir, 'GT', `${name}.png`);
    if (!fs.existsSync(mask)) bad.push({ file: image, reason: `missing mask for image (expected GT/${name}.png)` });
    else refs.push({ name, image, mask });
  }
  return { refs, bad };
}

/** `sod-csnet`: labeled SOD sets as CSNet reads them (datasets/sal/<DATASET>/{images,GT}). */
export const csnetSodKind: DatasetKind = {
  name: 'sod-csnet',
  task: 'sod',
  labeled: true,
  description: 'SOD, CSNet layout: [<split>/]images/<name>.jpg, [<split>/]GT/<name>.png, listed by directory',
  defaultSplit: 'train',
  list: (root, split) => ({ classes: SOD_CLASSES, ...listCsnet(root, split) }),
  load: loadSodSample,
  synth: async (out, o) => {
    await synthCsnetDataset(out, { seed: o.seed, n: o.n, width: o.width ?? 224, height: o.height ?? 224 });
  },
};
