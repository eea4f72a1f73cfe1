import sharp from 'sharp';
import { DataError, writeFileAtomic } from '@kd/core';

sharp.cache(false);

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Decodes a JPEG/PNG to 8-bit RGB (alpha dropped, grey expanded). Errors name the file. */
export async function readRgb(file: string): Promise<RawImage> {
  try {
    const { data, info } = await sharp(file)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      channels: 3,
    };
  } catch (e) {
    throw new DataError(`cannot decode image (${(e as Error).message})`, file);
  }
}

/** Decodes to one 8-bit channel: grey stays as is, RGB is averaged over its channels (KD-SCFNet masks). */
export async function readGray(file: string): Promise<RawImage> {
  try {
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const n = info.width * info.height;
    const out = new Uint8Array(n);
    if (info.channels === 1) out.set(data.subarray(0, n));
    else for (let i = 0; i < n; i++) out[i] = Math.round((data[3 * i] + data[3 * i + 1] + data[3 * i + 2]) / 3);
    return { data: out, width: info.width, height: info.height, channels: 1 };
  } catch (e) {
    throw new DataError(`cannot decode image (${(e as Error).message})`, file);
  }
}

export async function writeJpeg(
  file: string,
  rgb: Uint8Array,
  width: number,
  height: number,
  quality = 92,
): Promise<void> {
  writeFileAtomic(
    file,
    await sharp(rgb, { raw: { width, height, channels: 3 } })
      .jpeg({ quality })
      .toBuffer(),
  );
}

/** Writes a 1-channel 8-bit PNG (sharp needs b-w colourspace to keep it single-channel). */
export async function writeGrayPng(file: string, gray: Uint8Array, width: number, height: number): Promise<void> {
  writeFileAtomic(
    file,
    await sharp(gray, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer(),
  );
}

/** An 8-bit RGB PNG ([H, W, 3] row-major) as bytes. */
export async function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/** Writes an 8-bit RGB PNG ([H, W, 3] row-major). */
export async function writeRgbPng(file: string, rgb: Uint8Array, width: number, height: number): Promise<void> {
  writeFileAtomic(
    file,
    await sharp(rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}
