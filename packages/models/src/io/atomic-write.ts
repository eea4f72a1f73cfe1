import fs from 'node:fs';
import path from 'node:path';

/** Writes via a temp file in the same directory and a rename, so readers never see half a file. */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}
