import crypto from 'node:crypto';
import fs from 'node:fs';
import { DataError } from '@kd/core';

/** How a model's weights started: random init, the shared ImageNet file, or a given file. */
export interface WeightsInit {
  policy: 'none' | 'imagenet' | 'file';
  file?: string;
  /** First 12 hex digits of the file's sha256 (the provenance cell). */
  sha256?: string;
}

/** The first `n` hex digits of a file's sha256, read in 4 MiB chunks (weights files reach 180 MB). */
export function sha256Prefix(file: string, n = 12): string {
  const h = crypto.createHash('sha256');
  const buf = Buffer.alloc(4 << 20);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new DataError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  try {
    for (let r; (r = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, r));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex').slice(0, n);
}

/** One CSV cell for a WeightsInit: `none`, `imagenet:<sha12>` or `file:<sha12>`. */
export function weightsInitCell(w: WeightsInit): string {
  return w.policy === 'none' ? 'none' : `${w.policy}:${w.sha256}`;
}
