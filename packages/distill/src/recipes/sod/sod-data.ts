import path from 'node:path';
import { DataLoader, synthSodDataset, synthSodShiftedDataset, type AugmentConfig } from '@kd/data';
import type { Config } from '@kd/core';
import { limited } from '../smoke.ts';
import { sodRecipeKeys } from './sod-recipe-keys.ts';

/** Data keys every SOD sweep shares. */
export interface SodDataConfig extends Config {
  /**
   * `synthetic` (one style for train and test), `synthetic-shift` (train in the twin's source
   * style, test in its target style: sod-style.ts), or a path (relative to --data-root) to a
   * labeled set in the KD-SCFNet layout.
   */
  data: string;
  /** Unlabeled images for KD (KD-SOD80K layout); `synthetic` generates them, `synthetic-shift` in the target style. */
  unlabeled: string;
  size: number;
  n_train: number;
  n_unlabeled: number;
  batch: number;
  workers: number;
}

/** Test images of the shifted twin when `n_test` is not set: n_train/4, at least 8 (as `synthetic`). */
const defaultTestCount = (cfg: SodDataConfig) => sodRecipeKeys(cfg).n_test || Math.max(8, Math.round(cfg.n_train / 4));

/** Whether a `data`/`unlabeled` value names a generated twin rather than a folder. */
export const isSyntheticSod = (value: string) => value === 'synthetic' || value === 'synthetic-shift';

/** The labeled root a config reads (generated twins under `dataRoot`), without generating it. */
export function sodLabeledRoot(cfg: SodDataConfig, dataRoot: string): string {
  if (cfg.data === 'synthetic') return path.join(dataRoot, `synthetic-sod-${cfg.size}-${cfg.n_train}`);
  if (cfg.data === 'synthetic-shift')
    return path.join(dataRoot, `synthetic-sod-shift-${cfg.size}-${cfg.n_train}-${defaultTestCount(cfg)}`);
  return path.resolve(dataRoot, cfg.data);
}

/**
 * Labeled (train/test) and unlabeled roots: `synthetic` generates seeded sets in the KD-SCFNet
 * and KD-SOD80K layouts under `<dataRoot>/synthetic-sod-<size>-<n>` (test = n/4 images);
 * `synthetic-shift` the shifted twin (train: source style, seed 1; test: `n_test` target-style
 * images; unlabeled: target style, seed 2). `opts.unlabeled: false` skips generating the
 * unlabeled set (rows that train on the labels only).
 */
export async function sodDataRoots(
  cfg: SodDataConfig,
  dataRoot: string,
  opts: { unlabeled?: boolean } = {},
): Promise<{ labeled: string; unlabeled: string }> {
  const needUnlabeled = opts.unlabeled ?? true;
  const labeled = sodLabeledRoot(cfg, dataRoot);
  const unlabeled =
    cfg.unlabeled === 'synthetic'
      ? path.join(dataRoot, `synthetic-sod-unlabeled-${cfg.size}-${cfg.n_unlabeled}`)
      : cfg.unlabeled === 'synthetic-shift'
        ? path.join(dataRoot, `synthetic-sod-shift-unlabeled-${cfg.size}-${cfg.n_unlabeled}`)
        : path.resolve(dataRoot, cfg.unlabeled);
  const px = { width: cfg.size, height: cfg.size };
  if (cfg.data === 'synthetic')
    await synthSodDataset(labeled, {
      seed: 1,
      splits: { train: cfg.n_train, test: Math.max(8, Math.round(cfg.n_train / 4)) },
      ...px,
      labeled: true,
    });
  if (cfg.data === 'synthetic-shift')
    await synthSodShiftedDataset(labeled, {
      seed: 1,
      splits: { train: { n: cfg.n_train, style: 'source' }, test: { n: defaultTestCount(cfg), style: 'target' } },
      ...px,
      labeled: true,
    });
  if (needUnlabeled && cfg.unlabeled === 'synthetic')
    await synthSodDataset(unlabeled, { seed: 2, splits: { train: cfg.n_unlabeled }, ...px, labeled: false });
  if (needUnlabeled && cfg.unlabeled === 'synthetic-shift')
    await synthSodShiftedDataset(unlabeled, {
      seed: 2,
      splits: { train: { n: cfg.n_unlabeled, style: 'target' } },
      ...px,
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
