import path from 'node:path';
import { DataError } from '@kd/core';
import { readGray, readRgb } from '../image-io.ts';
import type { Sample, SampleRef } from '../dataset/types.ts';

/** Class names of SOD pixel statistics: mask ≤ 128 is background, > 128 salient. */
export const SOD_CLASSES = ['background', 'salient'] as const;

/**
 * Decodes an SOD sample: the image to [H, W, 3] RGB and, when the ref has one, the mask to
 * [H, W] soft 0..255 (grey kept, RGB averaged over its channels as KD-SCFNet does).
 * A mask whose size differs from its image is refused, naming the mask.
 */
export async function loadSodSample(ref: SampleRef): Promise<Sample> {
  const img = await readRgb(ref.image);
  const sample: Sample = { name: ref.name, width: img.width, height: img.height, image: img.data };
  if (ref.mask) {
    const m = await readGray(ref.mask);
    if (m.width !== img.width || m.height !== img.height) {
      throw new DataError(
        `mask is ${m.width}×${m.height} but its image ${path.basename(ref.image)} is ${img.width}×${img.height}`,
        ref.mask,
      );
    }
    sample.mask = m.data;
  }
  return sample;
}
