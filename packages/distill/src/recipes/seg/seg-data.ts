import path from 'node:path';
import { DataLoader, synthCityscapesDataset, type AugmentConfig } from '@kd/data';
import type { Config } from '@kd/core';
import { limited, type EvalLoader } from '../smoke.ts';

/** Config keys every segmentation sweep shares (typed defaults live in each experiment). */
export interface SegDataConfig extends Config {
  data: string;
  width: number;
  height: number;
  n_train: number;
  batch: number;
  workers: number;
}

export const CITYSCAPES_CLASSES = 19;

/**
 * The dataset root for a segmentation sweep: `synthetic` generates (once, seeded) a Cityscapes
 * twin in the official layout under `<dataRoot>/synthetic-cityscapes-<W>x<H>-<n>`; any other
 * value is a path to a real Cityscapes root (leftImg8bit/ + gtFine/).
 */
export async function segDataRoot(cfg: SegDataConfig, dataRoot: string): Promise<string> {
  if (cfg.data !== 'synthetic') return path.resolve(dataRoot, cfg.data);
  const root = path.join(dataRoot, `synthetic-cityscapes-${cfg.width}x${cfg.height}-${cfg.n_train}`);
  await synthCityscapesDataset(root, { seed: 1, n: cfg.n_train, width: cfg.width, height: cfg.height });
  return root;
}

/**
 * Train loader (seeded order, flip, fixed size, ImageNet normalisation) and unshuffled val loader;
 * `evalLimit` (`--smoke`) keeps the first that many val images.
 */
export function segLoaders(
  cfg: SegDataConfig,
  root: string,
  seed: number,
  evalLimit?: number,
): { train: DataLoader; val: EvalLoader } {
  const size = { width: cfg.width, height: cfg.height };
  const trainAug: AugmentConfig = { flip: { horizontal: 0.5, vertical: 0 }, size, normalize: 'imagenet' };
  const valAug: AugmentConfig = { size, normalize: 'imagenet' };
  return {
    train: new DataLoader({
      kind: 'cityscapes',
      root,
      split: 'train',
      batchSize: cfg.batch,
      seed,
      augment: trainAug,
      workers: cfg.workers,
    }),
    val: limited(
      evalLimit,
      (batchSize) =>
        new DataLoader({
          kind: 'cityscapes',
          root,
          split: 'val',
          batchSize,
          seed,
          augment: valAug,
          workers: 0,
          shuffle: false,
          dropLast: false,
        }),
      cfg.batch,
    ),
  };
}
