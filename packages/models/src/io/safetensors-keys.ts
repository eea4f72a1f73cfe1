import fs from 'node:fs';
import { DataError } from '@kd/core';

/** The tensor keys of a safetensors file, read from its header only (no tensor data is read). */
export function readSafetensorsKeys(file: string): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new DataError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  try {
    const head = Buffer.alloc(8);
    const size = fs.fstatSync(fd).size;
    if (fs.readSync(fd, head, 0, 8, 0) < 8) throw new DataError(`not a safetensors file: ${size} bytes`, file);
    const n = Number(head.readBigUInt64LE(0));
    if (n <= 0 || 8 + n > size) throw new DataError(`bad header length ${n} (file has ${size} bytes)`, file);
    const json = Buffer.alloc(n);
    fs.readSync(fd, json, 0, n, 8);
    try {
      return Object.keys(JSON.parse(json.toString('utf8')) as object).filter((k) => k !== '__metadata__');
    } catch (e) {
      throw new DataError(`header is not JSON (${(e as Error).message})`, file);
    }
  } finally {
    fs.closeSync(fd);
  }
}
