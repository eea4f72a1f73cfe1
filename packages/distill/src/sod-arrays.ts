import { DataError } from '@kd/core';
import { readGray, readRgb, type SodSample } from '@kd/data';

/** A decoded SOD split held in memory: RGB images (H·W·3 bytes) and optional masks (H·W bytes). */
export interface SodArrays {
  names: string[];
  images: Uint8Array[];
  masks: (Uint8Array | null)[];
  width: number;
  height: number;
}

/**
 * Decodes every sample of a split. All images must share one size (the trainer batches them
 * without resizing); a mask must match its image's size.
 */
export async function loadSodArrays(samples: readonly SodSample[]): Promise<SodArrays> {
  const out: SodArrays = { names: [], images: [], masks: [], width: 0, height: 0 };
  for (const s of samples) {
    const img = await readRgb(s.image);
    if (out.images.length === 0) {
      out.width = img.width;
      out.height = img.height;
    } else if (img.width !== out.width || img.height !== out.height) {
      throw new DataError(`image is ${img.width}×${img.height}, expected ${out.width}×${out.height} like the rest of the split`, s.image);
    }
    let mask: Uint8Array | null = null;
    if (s.mask) {
      const m = await readGray(s.mask);
      if (m.width !== img.width || m.height !== img.height) {
        throw new DataError(`mask is ${m.width}×${m.height} but its image is ${img.width}×${img.height}`, s.mask);
      }
      mask = m.data;
    }
    out.names.push(s.name);
    out.images.push(img.data);
    out.masks.push(mask);
  }
  return out;
}
