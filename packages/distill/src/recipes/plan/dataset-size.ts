import path from 'node:path';
import { UsageError } from '@kd/core';
import { openDataset } from '@kd/data';

/**
 * Image counts the papers state for the real datasets (docs/methods): DUTS-TR 10,553 and
 * KD-SOD80K 80,000 (kd-scfnet.md), Cityscapes train 2,975 / val 500, VOC07+12 trainval 16,551 /
 * VOC07 test 4,952, VOC 2012 segmentation train_aug 10,582 (SBD) / train 1,464 / val 1,449 (METHODS §6), COCO train2017 118,287. Keyed by the config's `data` value (its last path part,
 * lower case) and split.
 */
export const PAPER_SIZES: Record<string, Record<string, number>> = {
  'duts-tr': { train: 10553 },
  'kd-sod80k': { train: 80000 },
  cityscapes: { train: 2975, val: 500 },
  voc2012: { train_aug: 10582, train: 1464, val: 1449 },
  voc: { trainval: 16551, test: 4952 },
  coco: { train2017: 118287 },
};

/** Where and how the plan counts a split's images. */
export interface SizeSource {
  /** `synthetic` or a data path relative to the data root (the config's value). */
  data: string;
  /** The @kd/data reader kind (`cityscapes`, `sod-kdscfnet`, `sod-unlabeled`, …). */
  kind: string;
  split: string;
  /** Images a synthetic twin of this config has in the split. */
  synthetic: number;
}

/**
 * Images in one split: the synthetic twin's count from the config; with `dataRoot` (the user's
 * --data-root) the images the reader lists there; otherwise the paper's size for the dataset.
 */
export function datasetImages(src: SizeSource, dataRoot: string | null): number {
  if (src.data === 'synthetic') return src.synthetic;
  if (dataRoot) return openDataset(src.kind, path.resolve(dataRoot, src.data), src.split).refs.length;
  const paper = PAPER_SIZES[path.basename(src.data).toLowerCase()]?.[src.split];
  if (paper === undefined) {
    throw new UsageError(
      `plan: no paper size for data '${src.data}' split '${src.split}' (known: ${Object.keys(PAPER_SIZES).join(', ')}); give --data-root DIR to count its files`,
    );
  }
  return paper;
}

/** Batches per epoch with the last partial batch dropped (every training loader here). */
export function batchesPerEpoch(images: number, batch: number, where: string): number {
  const n = Math.floor(images / batch);
  if (n === 0) throw new UsageError(`${where}: batch ${batch} is larger than the ${images} images`);
  return n;
}
