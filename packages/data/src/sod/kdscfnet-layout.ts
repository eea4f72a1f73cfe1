import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';

export interface SodSample {
  name: string;
  image: string;
  /** Absent for unlabeled sets (KD-SOD80K layout). */
  mask?: string;
}

/**
 * Lists a split in the KD-SCFNet layout: `<root>/<split>.txt` names (no extension), images at
 * `image/<name>.jpg` (or .png), masks at `mask/<name>.png` when `labeled`.
 * Errors name the list file and the offending entry; a name escaping the root is refused.
 */
export function listKdScfnetSplit(root: string, split: string, labeled: boolean): SodSample[] {
  const list = path.join(root, `${split}.txt`);
  if (!fs.existsSync(list)) throw new DataError(`split list not found (expected ${split}.txt in the KD-SCFNet layout)`, list);
  const names = fs.readFileSync(list, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new DataError('split is empty', list);
  return names.map((name, i) => {
    if (name.includes('..') || path.isAbsolute(name)) throw new DataError(`line ${i + 1}: '${name}' escapes the dataset root`, list);
    const jpg = path.join(root, 'image', `${name}.jpg`);
    const png = path.join(root, 'image', `${name}.png`);
    const image = fs.existsSync(jpg) ? jpg : fs.existsSync(png) ? png : null;
    if (!image) throw new DataError(`line ${i + 1}: image '${name}' not found (looked for image/${name}.jpg and .png)`, list);
    if (!labeled) return { name, image };
    const mask = path.join(root, 'mask', `${name}.png`);
    if (!fs.existsSync(mask)) throw new DataError(`line ${i + 1}: missing mask for image '${name}' (expected mask/${name}.png)`, list);
    return { name, image, mask };
  });
}
