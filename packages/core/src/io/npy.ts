import fs from 'node:fs';
import { DataError } from '../errors.ts';

/** A decoded NumPy array: C-order data as float32 plus its shape and original dtype. */
export interface NpyArray {
  shape: number[];
  dtype: 'float32' | 'float64';
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parses a NumPy `.npy` file (format versions 1–3) holding a little-endian float32 (`<f4`) or
 * float64 (`<f8`) array in C order. float64 values are rounded to float32 (tfjs's float type).
 * `source` names the file in errors.
 *
 * @example
 *   const a = parseNpy(fs.readFileSync('S.npy'), 'S.npy'); // { shape: [2,19,8,8], dtype, data }
 */
export function parseNpy(bytes: Uint8Array, source = '.npy'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new DataError('not a NumPy .npy file (bad magic)', source);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (major < 1 || major > 3 || start + headerLen > bytes.length)
    throw new DataError(`unsupported .npy version ${major}.${bytes[7]}`, source);
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new DataError(`unreadable .npy header: ${header.trim()}`, source);
  if (fortran === 'True')
    throw new DataError('Fortran-order arrays are not supported; save with np.ascontiguousarray', source);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new DataError(`bad shape (${shapeText}) in .npy header`, source);
  const size = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  let data: Float32Array;
  let dtype: NpyArray['dtype'];
  if (descr === '<f4' || descr === '=f4') {
    dtype = 'float32';
    expectBytes(bytes, dataStart, size * 4, source);
    data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  } else if (descr === '<f8' || descr === '=f8') {
    dtype = 'float64';
    expectBytes(bytes, dataStart, size * 8, source);
    data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
  } else {
    throw new DataError(
      `dtype '${descr}' is not supported; expected little-endian float32 ('<f4') or float64 ('<f8')`,
      source,
    );
  }
  return { shape, dtype, data };
}

function expectBytes(bytes: Uint8Array, start: number, n: number, source: string): void {
  if (bytes.length - start !== n)
    throw new DataError(`data is ${bytes.length - start} bytes, the header promises ${n}`, source);
}

/** Reads and parses the `.npy` file `file` (errors name it). */
export function readNpy(file: string): NpyArray {
  if (!fs.existsSync(file)) throw new DataError('no such .npy file', file);
  return parseNpy(new Uint8Array(fs.readFileSync(file)), file);
}

/**
 * Encodes a float32 C-order array as a version-1 `.npy` file: `<f4`, C order, the header padded
 * with spaces to a multiple of 64 bytes as NumPy writes it.
 */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  new Uint8Array(out.buffer, 10 + header.length).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}
