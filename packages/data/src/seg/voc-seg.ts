import path from 'node:path';
import { DataError } from '@kd/core';
import { readRgb } from '../image-io.ts';
import { readIndexPng } from '../png/index-png.ts';
import { firstExisting, readListFile } from '../dataset/list-file.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import { IGNORE_LABEL, type BadSample, type Sample, type SampleRef } from '../dataset/types.ts';
import { synthVocDataset } from '../synthetic/write-voc.ts';
import { VOC_SEG_CLASSES } from './voc-classes.ts';

/**
 * The stem a VOC list entry names: `2007_000032`, or the DeepLab style
 * `/JPEGImages/2007_000032.jpg` (basename without extension). Null when the entry tries to
 * leave the dataset (`..`, NUL).
 */
export function vocEntryStem(entry: string): string | null {
  if (entry.split(/[\\/]/).includes('..') || entry.includes('\0')) return null;
  return path.parse(entry).name || null;
}

/**
 * Lists a VOC segmentation split:
 * ```
 * <root>/ImageSets/Segmentation/<split>.txt   names, one per line
 * <root>/JPEGImages/<name>.jpg
 * <root>/<labelDir>/<name>.png                SegmentationClass (palette) or SegmentationClassAug (grey)
 * ```
 */
export function listVocSeg(root: string, split: string, labelDir: string): { refs: SampleRef[]; bad: BadSample[] } {
  const list = path.join(root, 'ImageSets', 'Segmentation', `${split}.txt`);
  const refs: SampleRef[] = [];
  const bad: BadSample[] = [];
  readListFile(list).forEach((entry, i) => {
    const stem = vocEntryStem(entry);
    if (!stem) return void bad.push({ file: list, reason: `line ${i + 1}: '${entry}' escapes the dataset root` });
    const image = firstExisting([path.join(root, 'JPEGImages', `${stem}.jpg`)]);
    if (!image) return void bad.push({ file: list, reason: `line ${i + 1}: image JPEGImages/${stem}.jpg not found` });
    const label = firstExisting([path.join(root, labelDir, `${stem}.png`)]);
    if (!label)
      return void bad.push({
        file: list,
        reason: `line ${i + 1}: missing label ${labelDir}/${stem}.png for image '${stem}'`,
      });
    refs.push({ name: stem, image, label });
  });
  return { refs, bad };
}

/**
 * Decodes a VOC segmentation sample: image [H, W, 3], label [H, W] class indices 0..20 with
 * 255 void. The label's raw palette indices (or grey values) are used, never its colours; any
 * other value, an RGB label, or a size mismatch is refused naming the label file.
 */
export async function loadVocSegSample(ref: SampleRef): Promise<Sample> {
  const img = await readRgb(ref.image);
  const file = ref.label!;
  const lab = readIndexPng(file);
  if (lab.width !== img.width || lab.height !== img.height) {
    throw new DataError(`label is ${lab.width}×${lab.height} but its image is ${img.width}×${img.height}`, file);
  }
  const n = VOC_SEG_CLASSES.length;
  for (let i = 0; i < lab.data.length; i++) {
    const v = lab.data[i];
    if (v >= n && v !== IGNORE_LABEL) {
      throw new DataError(
        `value ${v} at (x ${i % lab.width}, y ${Math.floor(i / lab.width)}) is not a VOC class index (0..20, 255 void)`,
        file,
      );
    }
  }
  return { name: ref.name, width: img.width, height: img.height, image: img.data, label: lab.data };
}

const synth: DatasetKind['synth'] = async (out, o) => {
  await synthVocDataset(out, { seed: o.seed, n: o.n, width: o.width ?? 200, height: o.height ?? 150 });
};

/** `voc-seg`: Pascal VOC 2012 SegmentationClass (palette PNGs), 21 classes. */
export const vocSegKind: DatasetKind = {
  name: 'voc-seg',
  task: 'seg',
  labeled: true,
  description:
    'Pascal VOC 2012 segmentation: JPEGImages/, SegmentationClass/ palette PNGs, ImageSets/Segmentation/<split>.txt',
  defaultSplit: 'train',
  list: (root, split) => ({ classes: VOC_SEG_CLASSES, ...listVocSeg(root, split, 'SegmentationClass') }),
  load: loadVocSegSample,
  synth,
};

/** `voc-seg-aug`: the SBD-augmented labels (SegmentationClassAug, single-channel PNGs). */
export const vocSegAugKind: DatasetKind = {
  ...vocSegKind,
  name: 'voc-seg-aug',
  description:
    'Pascal VOC 2012 + SBD: SegmentationClassAug/ single-channel PNGs, ImageSets/Segmentation/<split>.txt (train_aug)',
  defaultSplit: 'train_aug',
  list: (root, split) => ({ classes: VOC_SEG_CLASSES, ...listVocSeg(root, split, 'SegmentationClassAug') }),
};
