import { UsageError, type Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { NORMALIZATIONS, type Normalization } from './normalize.ts';
import {
  randomBlur,
  randomContrastBrightness,
  randomCropCsnet,
  randomCropKdScfnet,
  randomCropTo,
  randomFlip,
  randomFlipEither,
  randomScale,
} from './random.ts';

/**
 * An augmentation recipe as plain data (it is posted to loader workers). Sample-level steps
 * run in this fixed order: blur → contrast/brightness → scale → crop → flip. Then the batch
 * resizes every sample to one size (`size`: fixed, or picked per batch from `sizes`) and
 * normalises the image (images bilinear, masks bilinear and /255, labels nearest, boxes scaled).
 */
export interface AugmentConfig {
  blur?: { p: number; kernels: number[] };
  colour?: { contrast: [number, number]; brightness: [number, number] };
  scale?: { scales: number[] };
  crop?: { kind: 'kdscfnet' } | { kind: 'csnet' } | { kind: 'fixed'; width: number; height: number };
  flip?: { horizontal: number; vertical: number } | { either: number };
  /** Final batch size in pixels: fixed, or per-batch multi-scale (square sizes). */
  size: { width: number; height: number } | { sizes: number[] };
  normalize: keyof typeof NORMALIZATIONS | Normalization;
}

const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => +(lo + i * step).toFixed(6));

/**
 * Recipes of the seed papers. KD-SCFNet (docs/methods/kd-scfnet.md): blur p 0.1 k ∈ {3,5,7,9}, contrast
 * U[0.5,1.5) + brightness [−15,15), crop up to H/8·W/8, hflip 0.5, vflip 0.2, per-batch size from
 * {224,…,352}. CSNet (csnet.md): border crop, one flip p 0.5, 224², ImageNet normalisation.
 * Cityscapes (CIRKD, docs/methods/README.md#shared-conventions): scale {0.5,…,2.0}, 512×1024 crop
 * padded with ignore, hflip 0.5.
 * `*-eval`: resize only.
 */
export const AUGMENT_PRESETS = {
  'kdscfnet-train': {
    blur: { p: 0.1, kernels: [3, 5, 7, 9] },
    colour: { contrast: [0.5, 1.5], brightness: [-15, 15] },
    crop: { kind: 'kdscfnet' },
    flip: { horizontal: 0.5, vertical: 0.2 },
    size: { sizes: [224, 256, 288, 320, 352] },
    normalize: 'kdscfnet',
  },
  'kdscfnet-eval': { size: { width: 352, height: 352 }, normalize: 'kdscfnet' },
  'csnet-train': {
    crop: { kind: 'csnet' },
    flip: { either: 0.5 },
    size: { width: 224, height: 224 },
    normalize: 'imagenet',
  },
  'csnet-eval': { size: { width: 224, height: 224 }, normalize: 'imagenet' },
  'cityscapes-train': {
    scale: { scales: range(0.5, 2.0, 0.1) },
    crop: { kind: 'fixed', width: 1024, height: 512 },
    flip: { horizontal: 0.5, vertical: 0 },
    size: { width: 1024, height: 512 },
    normalize: 'imagenet',
  },
  'cityscapes-eval': { size: { width: 2048, height: 1024 }, normalize: 'imagenet' },
} as const satisfies Record<string, AugmentConfig>;

export type AugmentPreset = keyof typeof AUGMENT_PRESETS;

/** A preset by name (UsageError listing them when unknown), deep-copied into a mutable config. */
export function augmentPreset(name: string): AugmentConfig {
  const p = (AUGMENT_PRESETS as Record<string, AugmentConfig>)[name];
  if (!p)
    throw new UsageError(
      `--augment: unknown preset '${name}'; expected one of: ${Object.keys(AUGMENT_PRESETS).join(', ')}`,
    );
  return JSON.parse(JSON.stringify(p)) as AugmentConfig;
}

export function resolveNormalization(n: AugmentConfig['normalize']): Normalization {
  return typeof n === 'string' ? NORMALIZATIONS[n] : n;
}

/** Runs the sample-level steps of `cfg` on one sample (see `AugmentConfig` for the order). */
export function augmentSample(rng: Rng, s: Sample, cfg: AugmentConfig): Sample {
  let out = s;
  if (cfg.blur) out = randomBlur(rng, out, cfg.blur.p, cfg.blur.kernels);
  if (cfg.colour) out = randomContrastBrightness(rng, out, cfg.colour.contrast, cfg.colour.brightness);
  if (cfg.scale) out = randomScale(rng, out, cfg.scale.scales);
  if (cfg.crop?.kind === 'kdscfnet') out = randomCropKdScfnet(rng, out);
  else if (cfg.crop?.kind === 'csnet') out = randomCropCsnet(rng, out);
  else if (cfg.crop?.kind === 'fixed') out = randomCropTo(rng, out, cfg.crop.width, cfg.crop.height);
  if (cfg.flip && 'either' in cfg.flip) out = randomFlipEither(rng, out, cfg.flip.either);
  else if (cfg.flip) out = randomFlip(rng, out, cfg.flip.horizontal, cfg.flip.vertical);
  return out;
}

/** The batch's [height, width]: fixed, or one of `sizes` (square) picked with the batch's rng. */
export function pickBatchSize(rng: Rng, cfg: AugmentConfig): [number, number] {
  if ('sizes' in cfg.size) {
    const s = rng.pick(cfg.size.sizes);
    return [s, s];
  }
  return [cfg.size.height, cfg.size.width];
}
