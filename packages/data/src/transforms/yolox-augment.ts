import type { Rng } from '@kd/core';
import type { Sample } from '../dataset/types.ts';
import { sanitizeBoxes } from '../det/sanitize.ts';
import { flipHorizontal } from './geometry.ts';
import { padBottomRight, resizeKeepRatio } from './keep-ratio.ts';
import { mixUp } from './mixup.ts';
import { mosaic } from './mosaic.ts';
import { randomAffine } from './random-affine.ts';
import { yoloxHsv } from './yolox-hsv.ts';

/** The YOLOX training pipeline's switches (METHODS §5.3). */
export interface YoloxAugmentConfig {
  /** Output side S. */
  size: number;
  numClasses: number;
  /** Mosaic of four samples, then RandomAffine back to S×S (border −S/2). */
  mosaic: boolean;
  /** MixUp with one more sample. */
  mixup: boolean;
  /** RandomAffine scale range (0.1, 2). */
  affineScale: [number, number];
  /** MixUp jitter range (0.8, 1.6). */
  mixupRatio: [number, number];
  /** Horizontal flip probability (0.5). */
  hflip: number;
  /** YOLOX HSV jitter. */
  hsv: boolean;
  padValue: number;
}

export const YOLOX_AUGMENT_DEFAULTS: Omit<YoloxAugmentConfig, 'size' | 'numClasses' | 'mosaic' | 'mixup'> = {
  affineScale: [0.1, 2],
  mixupRatio: [0.8, 1.6],
  hflip: 0.5,
  hsv: true,
  padValue: 114,
};

/** The other images one sample of YOLOX's pipeline mixes in: three for Mosaic, one for MixUp. */
export interface YoloxPartners {
  mosaic: readonly Sample[];
  mixup: Sample | null;
}

/**
 * Which images a sample's Mosaic (3) and MixUp (1) take, uniform over the split's `n` indices,
 * drawn from `rng` before any image is decoded (so a lazily decoded split can load them first).
 * Only the partners the sample will use are drawn: none in the final no-aug epochs.
 */
export function yoloxPartnerIndices(
  rng: Rng,
  n: number,
  cfg: Pick<YoloxAugmentConfig, 'mosaic' | 'mixup'>,
  strong: boolean,
): { mosaic: number[]; mixup: number | null } {
  return {
    mosaic: strong && cfg.mosaic ? [0, 1, 2].map(() => rng.int(0, n)) : [],
    mixup: strong && cfg.mixup ? rng.int(0, n) : null,
  };
}

/**
 * One S×S sample of YOLOX's pipeline (the paper's mmdet config): Mosaic → RandomAffine (scale
 * 0.1–2, border −S/2) → MixUp (0.8–1.6) → YOLOX HSV → flip → Resize keep-ratio → Pad (114) →
 * FilterAnnotations (1 px, `sanitizeBoxes`). `strong` false is the final no-aug epochs (mmdet's
 * YOLOXModeSwitchHook skips Mosaic, RandomAffine and MixUp). `partners` come from
 * `yoloxPartnerIndices`. Every other draw comes from `rng`, in this order: the mosaic's; the
 * affine's; the mixup's (only when its partner has boxes — mmdet skips an empty one); HSV; flip.
 */
export function augmentYoloxSample(
  rng: Rng,
  sample: Sample,
  partners: YoloxPartners,
  cfg: YoloxAugmentConfig,
  strong: boolean,
): Sample {
  const S = cfg.size;
  let s = sample;
  if (strong && cfg.mosaic) {
    if (partners.mosaic.length !== 3)
      throw new Error(`augmentYoloxSample: Mosaic needs 3 partner images, got ${partners.mosaic.length}`);
    s = mosaic(rng, [s, ...partners.mosaic], S, cfg.padValue);
    s = randomAffine(rng, s, {
      outWidth: S,
      outHeight: S,
      maxRotate: 10,
      maxTranslate: 0.1,
      scale: cfg.affineScale,
      maxShear: 2,
      padValue: cfg.padValue,
    });
  }
  if (strong && cfg.mixup) {
    const other = partners.mixup;
    if (!other) throw new Error('augmentYoloxSample: MixUp needs a partner image');
    if ((other.objects ?? []).length > 0)
      s = mixUp(rng, s, other, { size: S, ratio: cfg.mixupRatio, flip: 0.5, padValue: cfg.padValue });
  }
  if (cfg.hsv) s = { ...s, image: yoloxHsv(rng, s.image) };
  if (rng.chance(cfg.hflip)) s = flipHorizontal(s);
  s = padBottomRight(resizeKeepRatio(s, S, S).sample, S, S, cfg.padValue);
  return {
    ...s,
    name: sample.name,
    objects: sanitizeBoxes(s.objects ?? [], S, S, { numClasses: cfg.numClasses, where: sample.name }).kept,
  };
}
