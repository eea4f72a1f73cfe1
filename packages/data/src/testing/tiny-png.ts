import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * Test-only PNG writer, independent of the decoders under test: writes IHDR (+ PLTE) + one
 * zlib IDAT with filter type 0 per row + IEND, exactly as the PNG spec lays them out.
 * colorType 0 = grey, 2 = RGB, 3 = palette. `depth` < 8 packs pixels MSB first.
 */
export function encodeTinyPng(o: {
  width: number;
  height: number;
  colorType: 0 | 2 | 3;
  depth?: 1 | 2 | 4 | 8;
  data: ArrayLike<number>;
  palette?: readonly (readonly number[])[];
}): Buffer {
  const depth = o.depth ?? 8;
  const channels = o.colorType === 2 ? 3 : 1;
  const rowBytes = Math.ceil((o.width * channels * depth) / 8);
  const raw = Buffer.alloc((rowBytes + 1) * o.height);
  for (let y = 0; y < o.height; y++) {
    for (let x = 0; x < o.width * channels; x++) {
      const v = o.data[y * o.width * channels + x];
      const bit = x * depth;
      raw[y * (rowBytes + 1) + 1 + (bit >> 3)] |= v << (8 - depth - (bit & 7));
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])) >>> 0);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr[8] = depth;
  ihdr[9] = o.colorType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (o.palette) parts.push(chunk('PLTE', Buffer.from(o.palette.flatMap((c) => [c[0], c[1], c[2]]))));
  parts.push(chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A fresh temp folder for one test file (removed by the caller's afterAll). */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kd-data-${label}-`));
}

/** Writes `bytes` at `root/rel`, creating folders. */
export function put(root: string, rel: string, bytes: Buffer | string): string {
  const f = path.join(root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, bytes);
  return f;
}
