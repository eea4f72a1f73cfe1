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

/**
 * One S×S sample of YOLOX's pipeline (the paper's mmdet config): Mosaic → RandomAffine (scale
 * 0.1–2, border −S/2) → MixUp (0.8–1.6) → YOLOX HSV → flip → Resize keep-ratio → Pad (114) →
 * FilterAnnotations (1 px, `sanitizeBoxes`). `strong` false is the final no-aug epochs (mmdet's
 * YOLOXModeSwitchHook skips Mosaic, RandomAffine and MixUp). Every draw comes from `rng`, in this
 * order: 3 partner indices and the mosaic's own draws; the affine's; the mixup partner index (and,
 * when that partner has boxes — mmdet skips an empty one — the mixup's draws); HSV; flip.
 */
export function augmentYoloxSample(
  rng: Rng,
  samples: readonly Sample[],
  index: number,
  cfg: YoloxAugmentConfig,
  strong: boolean,
): Sample {
  const S = cfg.size;
  let s = samples[index];
  if (strong && cfg.mosaic) {
    const partners = [0, 1, 2].map(() => samples[rng.int(0, samples.length)]);
    s = mosaic(rng, [s, ...partners], S, cfg.padValue);
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
    const other = samples[rng.int(0, samples.length)];
    if ((other.objects ?? []).length > 0)
      s = mixUp(rng, s, other, { size: S, ratio: cfg.mixupRatio, flip: 0.5, padValue: cfg.padValue });
  }
  if (cfg.hsv) s = { ...s, image: yoloxHsv(rng, s.image) };
  if (rng.chance(cfg.hflip)) s = flipHorizontal(s);
  s = padBottomRight(resizeKeepRatio(s, S, S).sample, S, S, cfg.padValue);
  return {
    ...s,
    name: samples[index].name,
    objects: sanitizeBoxes(s.objects ?? [], S, S, { numClasses: cfg.numClasses, where: samples[index].name }).kept,
  };
}
