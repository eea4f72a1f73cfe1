import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type ConfigValue } from '@kd/core';
import type { SegDataConfig } from './seg-data.ts';

/** The segmentation datasets a sweep can name in `dataset`. */
export const SEG_DATASETS = ['cityscapes', 'voc'] as const;

/** Reader kinds, splits and class count of one dataset under its root. */
export interface SegFormat {
  dataset: (typeof SEG_DATASETS)[number];
  numClasses: number;
  train: { kind: string; split: string };
  val: { kind: string; split: string };
}

/**
 * `dataset` → readers (METHODS §6). cityscapes: gtFine train → val, 19 trainIds. voc: Pascal VOC
 * 2012 (`data` = the VOC2012 folder), 21 classes with 255 void: training on SBD's train_aug
 * (SegmentationClassAug + ImageSets/Segmentation/train_aug.txt, 10,582 images) when both are under
 * the root, else on the 1,464 SegmentationClass train images; evaluation on the 1,449 val images'
 * palette PNGs. `root` null (plan without --data-root): the SBD split is assumed.
 */
export function segFormat(cfg: Pick<SegDataConfig, 'dataset'>, root: string | null): SegFormat {
  if (cfg.dataset === 'cityscapes')
    return {
      dataset: 'cityscapes',
      numClasses: 19,
      train: { kind: 'cityscapes', split: 'train' },
      val: { kind: 'cityscapes', split: 'val' },
    };
  if (cfg.dataset === 'voc') {
    const aug =
      root === null ||
      (fs.existsSync(path.join(root, 'SegmentationClassAug')) &&
        fs.existsSync(path.join(root, 'ImageSets', 'Segmentation', 'train_aug.txt')));
    return {
      dataset: 'voc',
      numClasses: 21,
      train: aug ? { kind: 'voc-seg-aug', split: 'train_aug' } : { kind: 'voc-seg', split: 'train' },
      val: { kind: 'voc-seg', split: 'val' },
    };
  }
  throw new UsageError(`--set dataset: expected one of ${SEG_DATASETS.join(', ')}, got '${String(cfg.dataset)}'`);
}

/**
 * Epochs of a stage given in iterations (the papers' unit): `iters` > 0 → round(iters / steps per
 * epoch), at least 1 (40,000 iterations at 185 steps per epoch → 216 epochs = 39,960 steps, −0.1 %;
 * the poly schedule spans those epochs); `iters` 0 → `epochs` as given.
 */
export function epochsOf(iters: number, epochs: number, stepsPerEpoch: number): number {
  if (!(iters > 0)) return epochs;
  return Math.max(1, Math.round(iters / stepsPerEpoch));
}

/**
 * The teacher-identity keys of the full-profile options, only where they differ from the quick
 * setting (so quick teachers keep their store keys): dataset, augmentation, evaluation, iterations.
 */
export function segTeacherExtras(cfg: SegDataConfig & { teacher_iters: number }): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  if (cfg.dataset !== 'cityscapes') out.dataset = cfg.dataset;
  if (cfg.aug !== 'resize') out.aug = `${cfg.aug}:${cfg.scale_min}-${cfg.scale_max}`;
  if (cfg.eval !== 'resize') out.eval = cfg.eval;
  if (cfg.teacher_iters > 0) out.iters = cfg.teacher_iters;
  return out;
}
