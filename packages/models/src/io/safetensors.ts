import fs from 'node:fs';
import { DataError } from '@kd/core';

/** One tensor of a safetensors file: its shape and float32 values (C order). */
export interface SafeTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/**
 * Parses the safetensors format: u64-LE header length N, N bytes of UTF-8 JSON
 * (`{"__metadata__": {...}, "<key>": {"dtype","shape","data_offsets":[b,e]}}`), then the raw
 * little-endian data (offsets relative to the first byte after the header). Only F32 is
 * accepted (every kdlab weight file is F32). Errors name the file and the offending key.
 */
export function parseSafetensors(bytes: Uint8Array, file = '<buffer>'): SafetensorsFile {
  if (bytes.length < 8) throw new DataError(`not a safetensors file: ${bytes.length} bytes`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n <= 0 || 8 + n > bytes.length)
    throw new DataError(`bad header length ${n} (file has ${bytes.length} bytes)`, file);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new DataError(`header is not JSON (${(e as Error).message})`, file);
  }
  const base = 8 + n;
  const dataLen = bytes.length - base;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = (v ?? {}) as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (e.dtype !== 'F32') throw new DataError(`tensor '${key}': dtype ${e.dtype} is not supported (F32 only)`, file);
    const shape = e.shape ?? [];
    const [b, end] = e.data_offsets ?? [NaN, NaN];
    const count = shape.reduce((a, s) => a * s, 1);
    if (!(b >= 0 && end <= dataLen && end - b === count * 4)) {
      throw new DataError(
        `tensor '${key}': data_offsets [${b}, ${end}] do not fit shape [${shape.join(',')}] in ${dataLen} data bytes`,
        file,
      );
    }
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bytes.subarray(base + b, base + end));
    tensors.set(key, { shape, data });
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** Serialises tensors to safetensors bytes (F32, keys in the given order). Used by tests and tools. */
export function encodeSafetensors(tensors: Map<string, SafeTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  for (const [k, t] of tensors) {
    header[k] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + t.data.length * 4] };
    off += t.data.length * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}
