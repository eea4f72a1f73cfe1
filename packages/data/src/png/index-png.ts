import fs from 'node:fs';
import { decode, encode, hasPngSignature } from 'fast-png';
import { DataError, writeFileAtomic } from '@kd/core';

/** A single-channel map of 8-bit ids, [H, W] row-major. */
export interface IndexMap {
  data: Uint8Array;
  width: number;
  height: number;
  /** True when the PNG was palette-coded (the values are palette indices). */
  palette: boolean;
}

/**
 * Reads the raw values of a label PNG: palette (P-mode, any bit depth ≤ 8) gives the palette
 * indices, never the colours; 8-bit (or 1/2/4-bit) grey gives the grey values. Anything with
 * colour channels (RGB/RGBA/grey+alpha) or 16-bit depth is refused with a message naming the
 * file — an RGB label has lost its indices and must be mapped back through its palette.
 * sharp is not used here: it expands palettes to colours.
 */
export function readIndexPng(file: string): IndexMap {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read label PNG (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  return decodeIndexPng(bytes, file);
}

/** `readIndexPng` on bytes already in memory; `file` is only used in error messages. */
export function decodeIndexPng(bytes: Uint8Array, file: string): IndexMap {
  if (!hasPngSignature(bytes)) throw new DataError('not a PNG file (bad signature)', file);
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new DataError(`corrupt or truncated PNG (${(e as Error).message})`, file);
  }
  const { width, height, depth, channels } = png;
  const isPalette = Boolean(png.palette);
  if (channels !== 1) {
    const what = channels >= 3 ? 'RGB colours' : 'grey + alpha';
    throw new DataError(
      `label PNG has ${channels} channels (${what}); expected palette indices or single-channel ids`,
      file,
    );
  }
  if (depth === 16) throw new DataError('label PNG is 16-bit; expected 8-bit ids', file);
  const data = depth === 8 ? toU8(png.data, width * height) : unpackBits(png.data as Uint8Array, width, height, depth);
  if (data.length < width * height)
    throw new DataError(`truncated PNG: ${data.length} of ${width * height} pixels`, file);
  return { data, width, height, palette: isPalette };
}

function toU8(src: ArrayLike<number> & { buffer?: ArrayBufferLike }, n: number): Uint8Array {
  if (src instanceof Uint8Array) return src.length === n ? src : src.subarray(0, n);
  return Uint8Array.from({ length: Math.min(n, src.length) }, (_, i) => src[i]);
}

/** Unpacks 1/2/4-bit rows (each row padded to a whole byte, MSB first). */
function unpackBits(src: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = src[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Writes an 8-bit palette PNG whose pixel values are `indices` ([H, W]); `palette` is 256 RGB triples. */
export async function writePalettePng(
  file: string,
  indices: Uint8Array,
  width: number,
  height: number,
  palette: readonly (readonly number[])[],
): Promise<void> {
  const bytes = encode({
    width,
    height,
    data: indices,
    channels: 1,
    depth: 8,
    palette: palette.map((c) => [c[0], c[1], c[2]]),
  });
  writeFileAtomic(file, bytes);
}
