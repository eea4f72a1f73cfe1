import path from 'node:path';
import { DataLoader, synthSodDataset, type AugmentConfig } from '@kd/data';
import type { Config } from '@kd/core';
import { limited } from '../smoke.ts';

/** Data keys every SOD sweep shares. */
export interface SodDataConfig extends Config {
  /** `synthetic`, or a path (relative to --data-root) to a labeled set in the KD-SCFNet layout. */
  data: string;
  /** Unlabeled images for KD (KD-SOD80K layout); `synthetic` generates them. */
  unlabeled: string;
  size: number;
  n_train: number;
  n_unlabeled: number;
  batch: number;
  workers: number;
}

/**
 * Labeled (train/test) and unlabeled roots: `synthetic` generates seeded sets in the KD-SCFNet
 * and KD-SOD80K layouts under `<dataRoot>/synthetic-sod-<size>-<n>` (test = n/4 images).
 */
export async function sodDataRoots(
  cfg: SodDataConfig,
  dataRoot: string,
): Promise<{ labeled: string; unlabeled: string }> {
  const labeled =
    cfg.data === 'synthetic'
      ? path.join(dataRoot, `synthetic-sod-${cfg.size}-${cfg.n_train}`)
      : path.resolve(dataRoot, cfg.data);
  const unlabeled =
    cfg.unlabeled === 'synthetic'
      ? path.join(dataRoot, `synthetic-sod-unlabeled-${cfg.size}-${cfg.n_unlabeled}`)
      : path.resolve(dataRoot, cfg.unlabeled);
  if (cfg.data === 'synthetic')
    await synthSodDataset(labeled, {
      seed: 1,
      splits: { train: cfg.n_train, test: Math.max(8, Math.round(cfg.n_train / 4)) },
      width: cfg.size,
      height: cfg.size,
      labeled: true,
    });
  if (cfg.unlabeled === 'synthetic')
    await synthSodDataset(unlabeled, {
      seed: 2,
      splits: { train: cfg.n_unlabeled },
      width: cfg.size,
      height: cfg.size,
      labeled: false,
    });
  return { labeled, unlabeled };
}

/**
 * Loaders: labeled train (`sod-kdscfnet` split train), test (unshuffled), unlabeled train
 * (`sod-unlabeled`). Augmentation: KD-SCFNet's crop ≤ 1/8 and flips (h 0.5, v 0.2) at a fixed
 * size (the quick profile skips multi-scale; `full` uses the paper's preset). `evalLimit`
 * (`--smoke`) keeps the first that many test images.
 */
export function sodLoaders(
  cfg: SodDataConfig,
  roots: { labeled: string; unlabeled: string },
  seed: number,
  norm: { mean: readonly number[]; std: readonly number[] },
  evalLimit?: number,
) {
  const size = { width: cfg.size, height: cfg.size };
  const normalize = {
    mean: [...norm.mean] as [number, number, number],
    std: [...norm.std] as [number, number, number],
  };
  const trainAug: AugmentConfig = {
    crop: { kind: 'kdscfnet' },
    flip: { horizontal: 0.5, vertical: 0.2 },
    size,
    normalize,
  };
  const evalAug: AugmentConfig = { size, normalize };
  return {
    train: () =>
      new DataLoader({
        kind: 'sod-kdscfnet',
        root: roots.labeled,
        split: 'train',
        batchSize: cfg.batch,
        seed,
        augment: trainAug,
        workers: cfg.workers,
      }),
    unlabeled: () =>
      new DataLoader({
        kind: 'sod-unlabeled',
        root: roots.unlabeled,
        split: 'train',
        batchSize: cfg.batch,
        seed,
        augment: trainAug,
        workers: cfg.workers,
      }),
    test: () =>
      limited(
        evalLimit,
        (batchSize) =>
          new DataLoader({
            kind: 'sod-kdscfnet',
            root: roots.labeled,
            split: 'test',
            batchSize,
            seed,
            augment: evalAug,
            workers: 0,
            shuffle: false,
            dropLast: false,
          }),
        cfg.batch,
      ),
  };
}
