import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import { readRgb } from '../image-io.ts';
import { firstExisting, readListFile } from '../dataset/list-file.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, Sample, SampleRef } from '../dataset/types.ts';
import { VOC_DET_CLASSES } from '../seg/voc-classes.ts';
import { vocEntryStem } from '../seg/voc-seg.ts';
import { synthVocDataset } from '../synthetic/write-voc.ts';
import { parseVocXml } from './voc-xml.ts';

/**
 * Lists a VOC detection split:
 * ```
 * <root>/ImageSets/Main/<split>.txt   names (trainval, test, …)
 * <root>/JPEGImages/<name>.jpg
 * <root>/Annotations/<name>.xml
 * ```
 */
export function listVocDet(root: string, split: string): { refs: SampleRef[]; bad: BadSample[] } {
  const list = path.join(root, 'ImageSets', 'Main', `${split}.txt`);
  const refs: SampleRef[] = [];
  const bad: BadSample[] = [];
  readListFile(list).forEach((entry, i) => {
    const stem = vocEntryStem(entry);
    if (!stem) return void bad.push({ file: list, reason: `line ${i + 1}: '${entry}' escapes the dataset root` });
    const image = firstExisting([path.join(root, 'JPEGImages', `${stem}.jpg`)]);
    if (!image) return void bad.push({ file: list, reason: `line ${i + 1}: image JPEGImages/${stem}.jpg not found` });
    const annotation = firstExisting([path.join(root, 'Annotations', `${stem}.xml`)]);
    if (!annotation)
      return void bad.push({
        file: list,
        reason: `line ${i + 1}: missing annotation Annotations/${stem}.xml for image '${stem}'`,
      });
    refs.push({ name: stem, image, annotation });
  });
  return { refs, bad };
}

/**
 * Decodes a VOC detection sample: image [H, W, 3] and its objects (pixel-edge boxes, class
 * index into the 20 VOC classes, difficult/truncated flags). The XML's `<size>` must match the
 * decoded image.
 */
export async function loadVocDetSample(ref: SampleRef): Promise<Sample> {
  const file = ref.annotation!;
  const ann = parseVocXml(fs.readFileSync(file, 'utf8'), file, VOC_DET_CLASSES);
  const img = await readRgb(ref.image);
  if (ann.width !== img.width || ann.height !== img.height) {
    throw new DataError(
      `<size> says ${ann.width}×${ann.height} but ${path.basename(ref.image)} is ${img.width}×${img.height}`,
      file,
    );
  }
  return { name: ref.name, width: img.width, height: img.height, image: img.data, objects: ann.objects };
}

/** `voc-det`: Pascal VOC 2007 detection, 20 classes. */
export const vocDetKind: DatasetKind = {
  name: 'voc-det',
  task: 'det',
  labeled: true,
  description: 'Pascal VOC 2007 detection: JPEGImages/, Annotations/*.xml, ImageSets/Main/<split>.txt',
  defaultSplit: 'trainval',
  list: (root, split) => ({ classes: VOC_DET_CLASSES, ...listVocDet(root, split) }),
  load: loadVocDetSample,
  synth: async (out, o) => {
    await synthVocDataset(out, { seed: o.seed, n: o.n, width: o.width ?? 200, height: o.height ?? 150 });
  },
};
