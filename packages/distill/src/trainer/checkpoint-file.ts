import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { DataError, writeFileAtomic } from '@kd/core';

/** One saved array: its name, shape, dtype and values. */
export interface SavedArray {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

const MAGIC = 'KDCKPT1\n';

/**
 * Writes a checkpoint file atomically (temp file, then rename): MAGIC, u32 header length, JSON
 * header `{ meta, arrays: [{ name, shape, dtype }], payloadBytes, sha256 }`, then the arrays'
 * bytes in order. The header's size and hash let `readCheckpointFile` detect a truncated or
 * corrupted file.
 */
export function writeCheckpointFile(
  file: string,
  meta: Record<string, unknown>,
  arrays: readonly SavedArray[],
): number {
  const payload = Buffer.concat(arrays.map((a) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)));
  const header = Buffer.from(
    JSON.stringify({
      meta,
      arrays: arrays.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      payloadBytes: payload.length,
      sha256: createHash('sha256').update(payload).digest('hex'),
    }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  const bytes = Buffer.concat([Buffer.from(MAGIC), len, header, payload]);
  writeFileAtomic(file, bytes);
  return bytes.length;
}

/** Reads a checkpoint file; throws a DataError naming the file when it is truncated, corrupted or not a checkpoint. */
export function readCheckpointFile(file: string): { meta: Record<string, unknown>; arrays: SavedArray[] } {
  const buf = fs.readFileSync(file);
  const bad = (why: string) => new DataError(`checkpoint ${file}: ${why}`);
  if (buf.length < MAGIC.length + 4 || buf.subarray(0, MAGIC.length).toString() !== MAGIC)
    throw bad('not a kdlab checkpoint (bad magic)');
  const hlen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + hlen;
  if (start > buf.length) throw bad(`truncated (header of ${hlen} bytes, file of ${buf.length})`);
  const header = JSON.parse(buf.subarray(MAGIC.length + 4, start).toString('utf8')) as {
    meta: Record<string, unknown>;
    arrays: Omit<SavedArray, 'data'>[];
    payloadBytes: number;
    sha256: string;
  };
  const payload = buf.subarray(start);
  if (payload.length !== header.payloadBytes)
    throw bad(`truncated (${payload.length} of ${header.payloadBytes} payload bytes)`);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256)
    throw bad('corrupted (sha256 of the payload does not match its header)');
  let off = 0;
  const arrays = header.arrays.map((a) => {
    const n = a.shape.reduce((x, y) => x * y, 1);
    const bytes = new Uint8Array(4 * n);
    bytes.set(payload.subarray(off, off + 4 * n));
    off += 4 * n;
    return { ...a, data: a.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer) };
  });
  return { meta: header.meta, arrays };
}
