import path from 'node:path';
import {
  DataLoader,
  NORMALIZATIONS,
  augmentPreset,
  synthSodDataset,
  synthSodShiftedDataset,
  type AugmentConfig,
  type Normalization,
} from '@kd/data';
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
 * KD-SCFNet's per-batch training sizes {224, 256, 288, 320, 352} for `size` 352; for another
 * `size` (a CPU-sized run) the same fractions of it, rounded to multiples of 32 (at least 32).
 */
export function multiScaleSizes(size: number): number[] {
  const paper = [224, 256, 288, 320, 352];
  if (size === 352) return paper;
  return [...new Set(paper.map((s) => Math.max(32, Math.round((s / 352) * (size / 32)) * 32)))];
}

/** The input normalisation of a config: KD-SCFNet's dataset statistics with `augment: kdscfnet`, else the model's. */
export function sodNormalization(
  cfg: SodDataConfig,
  norm: { mean: readonly number[]; std: readonly number[] },
): Normalization {
  const n = sodRecipeKeys(cfg).augment === 'kdscfnet' ? NORMALIZATIONS.kdscfnet : norm;
  return { mean: [n.mean[0], n.mean[1], n.mean[2]], std: [n.std[0], n.std[1], n.std[2]] };
}

/**
 * Loaders: labeled train (`sod-kdscfnet` split train), test (unshuffled), unlabeled train
 * (`sod-unlabeled`). Augmentation `fixed`: KD-SCFNet's crop ≤ 1/8 and flips (h 0.5, v 0.2) at
 * size², the model's normalisation; `kdscfnet` (full): the paper's chain in order (blur p 0.1,
 * contrast/brightness, crop ≤ 1/8, flips h 0.5 v 0.2, per-batch size from multiScaleSizes) with
 * its own normalisation (mean 124.55/118.90/102.94, std 56.77/55.97/57.50). `evalLimit`
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
  const kdscfnet = sodRecipeKeys(cfg).augment === 'kdscfnet';
  const normalize = kdscfnet
    ? sodNormalization(cfg, norm)
    : { mean: [...norm.mean] as [number, number, number], std: [...norm.std] as [number, number, number] };
  const trainAug: AugmentConfig = kdscfnet
    ? { ...augmentPreset('kdscfnet-train'), size: { sizes: multiScaleSizes(cfg.size) }, normalize }
    : { crop: { kind: 'kdscfnet' }, flip: { horizontal: 0.5, vertical: 0.2 }, size, normalize };
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
