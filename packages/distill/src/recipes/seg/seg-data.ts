import path from 'node:path';
import { DataLoader, STREET_STYLES, synthCityscapesDataset, type AugmentConfig, type StreetStyle } from '@kd/data';
import { UsageError, type Config } from '@kd/core';
import { limited, type EvalLoader } from '../smoke.ts';
import { segFormat } from './seg-format.ts';

/** Config keys every segmentation sweep shares (typed defaults live in each experiment). */
export interface SegDataConfig extends Config {
  data: string;
  width: number;
  height: number;
  n_train: number;
  /** Synthetic twin only: its validation frames (0 = ⌈n_train/4⌉, the original twin). */
  n_val: number;
  /** Synthetic twin only: its look, classic (a colour per class) or objects (shared hues; shape, texture, context). */
  twin: string;
  batch: number;
  workers: number;
  /** Dataset format: cityscapes (19 trainIds) or voc (21 classes; see `segFormat`). */
  dataset: string;
  /** Training augmentation: resize (to width×height, flip) or scale-crop (random scale, width×height crop padded with ignore, flip). */
  aug: string;
  /** scale-crop's scale factors: scale_min, scale_min + 0.1, …, scale_max. */
  scale_min: number;
  scale_max: number;
  /** Evaluation: resize (to width×height) or at the images' own resolution, whole (padded to the input multiple) or slide (width×height windows, 2/3 stride). */
  eval: string;
}

export const CITYSCAPES_CLASSES = 19;

/** The synthetic twin's look (`twin`, default classic), refused when not a street style. */
function twinStyle(cfg: SegDataConfig): StreetStyle {
  const twin = (cfg.twin || 'classic') as StreetStyle;
  if (!STREET_STYLES.includes(twin))
    throw new UsageError(`--set twin: expected ${STREET_STYLES.join(' or ')}, got '${cfg.twin}'`);
  return twin;
}

/**
 * Where the synthetic twin of `cfg` lives under `dataRoot`:
 * `synthetic-cityscapes-<W>x<H>-<n>[-<twin>][-val<n_val>]` (the suffixes only when not the default,
 * so the classic twin keeps its folder). Shared by `segDataRoot` and the plan.
 */
export function syntheticSegRoot(cfg: SegDataConfig, dataRoot: string): string {
  const twin = twinStyle(cfg);
  const tag = `${twin === 'classic' ? '' : `-${twin}`}${cfg.n_val ? `-val${cfg.n_val}` : ''}`;
  return path.join(dataRoot, `synthetic-cityscapes-${cfg.width}x${cfg.height}-${cfg.n_train}${tag}`);
}

/**
 * The dataset root for a segmentation sweep: `synthetic` generates (once, seeded) a Cityscapes
 * twin in the official layout at `syntheticSegRoot` (`twin` style, `n_val` validation frames); any
 * other value is a path to a real Cityscapes root (leftImg8bit/ + gtFine/).
 */
export async function segDataRoot(cfg: SegDataConfig, dataRoot: string): Promise<string> {
  if (cfg.data !== 'synthetic') return path.resolve(dataRoot, cfg.data);
  if (cfg.dataset !== 'cityscapes')
    throw new UsageError(
      `--set data=synthetic generates a Cityscapes twin; dataset=${cfg.dataset} needs data=<its folder under --data-root>`,
    );
  const twin = twinStyle(cfg);
  const root = syntheticSegRoot(cfg, dataRoot);
  await synthCityscapesDataset(root, {
    seed: 1,
    n: cfg.n_train,
    width: cfg.width,
    height: cfg.height,
    ...(twin === 'classic' ? {} : { style: twin }),
    ...(cfg.n_val ? { nVal: cfg.n_val } : {}),
  });
  return root;
}

/** scale_min, scale_min + 0.1, …, scale_max (CIRKD's {0.5, 0.6, …, 2.0}, METHODS §6). */
export function scaleSteps(min: number, max: number): number[] {
  if (!(min > 0 && max >= min)) throw new UsageError(`scale_min/scale_max: need 0 < min ≤ max, got ${min}, ${max}`);
  return Array.from({ length: Math.round((max - min) / 0.1) + 1 }, (_, i) => +(min + i * 0.1).toFixed(6));
}

/** The training augmentation of `cfg.aug` at the input size width×height. */
export function segTrainAugment(cfg: SegDataConfig): AugmentConfig {
  const size = { width: cfg.width, height: cfg.height };
  const flip = { horizontal: 0.5, vertical: 0 };
  if (cfg.aug === 'resize') return { flip, size, normalize: 'imagenet' };
  if (cfg.aug === 'scale-crop')
    return {
      scale: { scales: scaleSteps(cfg.scale_min, cfg.scale_max) },
      crop: { kind: 'fixed', width: cfg.width, height: cfg.height },
      flip,
      size,
      normalize: 'imagenet',
    };
  throw new UsageError(`--set aug: expected resize or scale-crop, got '${cfg.aug}'`);
}

/**
 * Train loader (seeded order, `segTrainAugment`, ImageNet normalisation) and unshuffled val loader
 * (resized to width×height: the quick evaluation, and the picture grid of every profile) of the
 * `dataset`'s readers; `evalLimit` (`--smoke`) keeps the first that many val images.
 */
export function segLoaders(
  cfg: SegDataConfig,
  root: string,
  seed: number,
  evalLimit?: number,
): { train: DataLoader; val: EvalLoader } {
  const size = { width: cfg.width, height: cfg.height };
  const format = segFormat(cfg, root);
  const trainAug = segTrainAugment(cfg);
  const valAug: AugmentConfig = { size, normalize: 'imagenet' };
  return {
    train: new DataLoader({
      kind: format.train.kind,
      root,
      split: format.train.split,
      batchSize: cfg.batch,
      seed,
      augment: trainAug,
      workers: cfg.workers,
    }),
    val: limited(
      evalLimit,
      (batchSize) =>
        new DataLoader({
          kind: format.val.kind,
          root,
          split: format.val.split,
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
