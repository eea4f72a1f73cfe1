import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import { csnetDir, csnetSodKind } from './csnet-layout.ts';
import { kdscfnetSodKind } from './kdscfnet-layout.ts';

export type SodLayout = 'kdscfnet' | 'csnet';

/**
 * Which labeled SOD layout `root` uses: KD-SCFNet when it has `image/`, `mask/` and
 * `<split>.txt`; CSNet when it (or `<split>/`) has `images/` and `GT/`. Throws naming both
 * expected layouts otherwise.
 */
export function detectSodLayout(root: string, split: string): SodLayout {
  const has = (p: string) => fs.existsSync(path.join(root, p));
  if (has('image') && has('mask') && has(`${split}.txt`)) return 'kdscfnet';
  if (csnetDir(root, split)) return 'csnet';
  throw new DataError(
    `no SOD layout found: expected image/, mask/ and ${split}.txt (KD-SCFNet) or images/ and GT/ (CSNet, also under ${split}/)`,
    root,
  );
}

/** `sod`: labeled SOD with the layout detected per root (see `detectSodLayout`). */
export const autoSodKind: DatasetKind = {
  ...kdscfnetSodKind,
  name: 'sod',
  description: 'SOD, layout detected: KD-SCFNet (image/, mask/, <split>.txt) or CSNet (images/, GT/)',
  list: (root, split) =>
    (detectSodLayout(root, split) === 'kdscfnet' ? kdscfnetSodKind : csnetSodKind).list(root, split),
};
