import path from 'node:path';
import { DataLoader, NORMALIZATIONS, synthSodDataset, type AugmentConfig, type Normalization } from '@kd/data';
import { UsageError } from '@kd/core';
import { limited } from '../smoke.ts';
import type { CsnetDwdConfig } from './csnet-recipe.ts';

/** Where a CSNet run reads its data: the labeled train root and the validation root with its split. */
export interface CsnetRoots {
  train: string;
  val: string;
  valSplit: string;
}

/**
 * `data: synthetic` generates the seeded KD-SCFNet-layout set `<dataRoot>/synthetic-sod-<size>-<n>`
 * (train n, test n/4; the same set `table-sod` uses) and validates on its `test` split; otherwise
 * `data` (DUTS-TR) and `val` (ECSSD) are folders under --data-root in either SOD layout
 * (KD-SCFNet's image/ + mask/ + <split>.txt, or CSNet's images/ + GT/), read with splits
 * `train` and `test`.
 */
export async function csnetDataRoots(cfg: CsnetDwdConfig, dataRoot: string): Promise<CsnetRoots> {
  if (cfg.data === 'synthetic') {
    const root = path.join(dataRoot, `synthetic-sod-${cfg.size}-${cfg.n_train}`);
    await synthSodDataset(root, {
      seed: 1,
      splits: { train: cfg.n_train, test: Math.max(8, Math.round(cfg.n_train / 4)) },
      width: cfg.size,
      height: cfg.size,
      labeled: true,
    });
    if (cfg.val !== 'synthetic')
      throw new UsageError(`csnet-dwd: val='${cfg.val}' with data=synthetic; expected val=synthetic (the test split)`);
    return { train: root, val: root, valSplit: 'test' };
  }
  if (cfg.val === 'synthetic')
    throw new UsageError(
      `csnet-dwd: val=synthetic needs data=synthetic; for data='${cfg.data}' name a benchmark folder (ECSSD)`,
    );
  return { train: path.resolve(dataRoot, cfg.data), val: path.resolve(dataRoot, cfg.val), valSplit: 'test' };
}

/**
 * Train augmentation by `augment`: `csnet` = the official random border crop (0–14 px off
 * top/left, 1–15 px off bottom/right) then with p 0.5 a horizontal or vertical flip; `kdscfnet`
 * = crop ≤ 1/8 of each side, hflip 0.5, vflip 0.2. Then a non-aspect resize to size² and the
 * normalisation.
 */
export function csnetTrainAugment(cfg: CsnetDwdConfig, normalize: Normalization): AugmentConfig {
  const size = { width: cfg.size, height: cfg.size };
  if (cfg.augment === 'csnet') return { crop: { kind: 'csnet' }, flip: { either: 0.5 }, size, normalize };
  if (cfg.augment === 'kdscfnet')
    return { crop: { kind: 'kdscfnet' }, flip: { horizontal: 0.5, vertical: 0.2 }, size, normalize };
  throw new UsageError(`csnet-dwd: augment='${cfg.augment}'; expected csnet or kdscfnet`);
}

/** `normalize`: `imagenet` (official: ImageNet mean/std on [0,1] RGB) or `model` (the model's own). */
export function csnetNormalization(cfg: CsnetDwdConfig, model: Normalization): Normalization {
  if (cfg.normalize === 'imagenet') return NORMALIZATIONS.imagenet;
  if (cfg.normalize === 'model') return model;
  throw new UsageError(`csnet-dwd: normalize='${cfg.normalize}'; expected imagenet or model`);
}

/**
 * Loaders of one run: `train` (layout detected, shuffled, drop_last, augmented) and `test` (the
 * validation split, unshuffled, resized to size², first `evalLimit` images under --smoke).
 */
export function csnetLoaders(
  cfg: CsnetDwdConfig,
  roots: CsnetRoots,
  seed: number,
  model: Normalization,
  evalLimit?: number,
) {
  const normalize = csnetNormalization(cfg, model);
  const augment = csnetTrainAugment(cfg, normalize);
  return {
    train: () =>
      new DataLoader({
        kind: 'sod',
        root: roots.train,
        split: 'train',
        batchSize: cfg.batch,
        seed,
        augment,
        workers: cfg.workers,
      }),
    test: () =>
      limited(
        evalLimit,
        (batchSize) =>
          new DataLoader({
            kind: 'sod',
            root: roots.val,
            split: roots.valSplit,
            batchSize,
            seed,
            augment: { size: { width: cfg.size, height: cfg.size }, normalize },
            workers: 0,
            shuffle: false,
            dropLast: false,
          }),
        cfg.batch,
      ),
  };
}
