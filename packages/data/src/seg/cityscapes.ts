import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import { readRgb } from '../image-io.ts';
import { readIndexPng } from '../png/index-png.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, Sample, SampleRef } from '../dataset/types.ts';
import { synthCityscapesDataset } from '../synthetic/write-cityscapes.ts';
import { CITYSCAPES_CLASSES, LABEL_ID_TO_TRAIN_ID, TRAIN_ID_CHECK, mapLabelIds } from './cityscapes-labels.ts';

const IMAGE_SUFFIX = '_leftImg8bit.png';

/**
 * Lists a Cityscapes split:
 * ```
 * <root>/leftImg8bit/<split>/<city>/<stem>_leftImg8bit.png
 * <root>/gtFine/<split>/<city>/<stem>_gtFine_labelIds.png        (raw ids, mapped on load)
 *                             or <stem>_gtFine_labelTrainIds.png  (train ids, checked on load)
 * ```
 * labelIds is preferred when both exist. An image without either label goes into `bad`.
 */
export function listCityscapes(root: string, split: string): { refs: SampleRef[]; bad: BadSample[] } {
  const imgDir = path.join(root, 'leftImg8bit', split);
  if (!fs.existsSync(imgDir))
    throw new DataError(`split folder not found (expected leftImg8bit/${split}/<city>/)`, imgDir);
  const refs: SampleRef[] = [];
  const bad: BadSample[] = [];
  for (const city of fs.readdirSync(imgDir).sort()) {
    const cityDir = path.join(imgDir, city);
    if (!fs.statSync(cityDir).isDirectory()) continue;
    for (const f of fs
      .readdirSync(cityDir)
      .filter((f) => f.endsWith(IMAGE_SUFFIX))
      .sort()) {
      const stem = f.slice(0, -IMAGE_SUFFIX.length);
      const gt = path.join(root, 'gtFine', split, city, stem);
      const label = [`${gt}_gtFine_labelIds.png`, `${gt}_gtFine_labelTrainIds.png`].find((p) => fs.existsSync(p));
      if (!label)
        bad.push({
          file: path.join(cityDir, f),
          reason: `missing label (expected gtFine/${split}/${city}/${stem}_gtFine_labelIds.png or _labelTrainIds.png)`,
        });
      else refs.push({ name: stem, image: path.join(cityDir, f), label });
    }
  }
  if (refs.length + bad.length === 0)
    throw new DataError(`split is empty (no *${IMAGE_SUFFIX} under <city>/ folders)`, imgDir);
  return { refs, bad };
}

/**
 * Decodes a Cityscapes frame: image [H, W, 3], label [H, W] train ids (0..18, 255 ignore).
 * A value outside the official table (or outside 0..18/255 in a labelTrainIds file) is refused
 * with its position; so is a label whose size differs from the image.
 */
export async function loadCityscapesSample(ref: SampleRef): Promise<Sample> {
  const img = await readRgb(ref.image);
  const file = ref.label!;
  const raw = readIndexPng(file);
  if (raw.width !== img.width || raw.height !== img.height) {
    throw new DataError(`label is ${raw.width}×${raw.height} but its image is ${img.width}×${img.height}`, file);
  }
  const trainIds = file.endsWith('_labelTrainIds.png');
  const { label, bad } = mapLabelIds(raw.data, trainIds ? TRAIN_ID_CHECK : LABEL_ID_TO_TRAIN_ID);
  if (bad) {
    const at = `(x ${bad.index % raw.width}, y ${Math.floor(bad.index / raw.width)})`;
    throw new DataError(
      trainIds
        ? `train id ${bad.value} at ${at} is not a Cityscapes train id (0..18 or 255)`
        : `label id ${bad.value} at ${at} is not in the Cityscapes label table (ids 0..33, 255 = license plate)`,
      file,
    );
  }
  return { name: ref.name, width: img.width, height: img.height, image: img.data, label };
}

/** `cityscapes`: fine annotations, 19 train classes. */
export const cityscapesKind: DatasetKind = {
  name: 'cityscapes',
  task: 'seg',
  labeled: true,
  description: 'Cityscapes: leftImg8bit/<split>/<city>/*_leftImg8bit.png + gtFine/…_labelIds.png (→ 19 train ids)',
  defaultSplit: 'train',
  list: (root, split) => ({ classes: CITYSCAPES_CLASSES, ...listCityscapes(root, split) }),
  load: loadCityscapesSample,
  synth: async (out, o) => {
    await synthCityscapesDataset(out, { seed: o.seed, n: o.n, width: o.width ?? 512, height: o.height ?? 256 });
  },
};
