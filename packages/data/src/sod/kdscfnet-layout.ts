import path from 'node:path';
import { DataError } from '@kd/core';
import { firstExisting, insideRoot, readListFile } from '../dataset/list-file.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, SampleRef } from '../dataset/types.ts';
import { synthSodDataset } from '../synthetic/write-sod.ts';
import { SOD_CLASSES, loadSodSample } from './load-sod-sample.ts';

export interface SodSample {
  name: string;
  image: string;
  /** Absent for unlabeled sets (KD-SOD80K layout). */
  mask?: string;
}

/**
 * Lists a split in the KD-SCFNet layout, collecting per-entry problems:
 * ```
 * <root>/<split>.txt       names without extension, one per line
 * <root>/image/<name>.jpg  (or .png: HKU-IS ships PNG)
 * <root>/mask/<name>.png   8-bit grey or RGB, 0/255 (labeled only)
 * ```
 * Entries naming a missing image or mask, or escaping the root, go into `bad` (file = the
 * list file, reason = line number and what is wrong). A missing or empty list throws.
 */
export function listKdScfnet(root: string, split: string, labeled: boolean): { refs: SampleRef[]; bad: BadSample[] } {
  const list = path.join(root, `${split}.txt`);
  const names = readListFile(list, `split list (expected ${split}.txt in the KD-SCFNet layout)`);
  const refs: SampleRef[] = [];
  const bad: BadSample[] = [];
  names.forEach((name, i) => {
    const where = `line ${i + 1}`;
    const stem = insideRoot(path.join(root, 'image'), name);
    if (!stem || name.includes('..'))
      return void bad.push({ file: list, reason: `${where}: '${name}' escapes the dataset root` });
    const image = firstExisting([`${stem}.jpg`, `${stem}.png`]);
    if (!image)
      return void bad.push({
        file: list,
        reason: `${where}: image '${name}' not found (looked for image/${name}.jpg and .png)`,
      });
    if (!labeled) return void refs.push({ name, image });
    const mask = path.join(root, 'mask', `${name}.png`);
    if (!firstExisting([mask]))
      return void bad.push({
        file: list,
        reason: `${where}: missing mask for image '${name}' (expected mask/${name}.png)`,
      });
    refs.push({ name, image, mask });
  });
  return { refs, bad };
}

/**
 * Lists a split in the KD-SCFNet layout (see `listKdScfnet`), throwing on the first bad
 * entry with the list file and the offending line.
 */
export function listKdScfnetSplit(root: string, split: string, labeled: boolean): SodSample[] {
  const { refs, bad } = listKdScfnet(root, split, labeled);
  if (bad.length) throw new DataError(bad[0].reason, bad[0].file);
  return refs.map(({ name, image, mask }) => (mask ? { name, image, mask } : { name, image }));
}

/** `sod-kdscfnet`: labeled SOD sets as KD-SCFNet's lib/dataset.py reads them (DUTS-TR, ECSSD, …). */
export const kdscfnetSodKind: DatasetKind = {
  name: 'sod-kdscfnet',
  task: 'sod',
  labeled: true,
  description: 'SOD, KD-SCFNet layout: image/<name>.jpg, mask/<name>.png, <split>.txt',
  defaultSplit: 'train',
  list: (root, split) => ({ classes: SOD_CLASSES, ...listKdScfnet(root, split, true) }),
  load: loadSodSample,
  synth: async (out, o) => {
    await synthSodDataset(out, {
      seed: o.seed,
      splits: { train: o.n, test: Math.max(1, Math.ceil(o.n / 4)) },
      width: o.width ?? 352,
      height: o.height ?? 352,
      labeled: true,
    });
  },
};
