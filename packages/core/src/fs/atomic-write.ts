import fs from 'node:fs';
import path from 'node:path';

let seq = 0;

/**
 * A temp path beside `target` that no other process or call uses: `<target>.<pid>.<n>.tmp`.
 * Beside (same folder, same file system) so that the final rename is atomic.
 */
export function tempPathFor(target: string): string {
  return `${target}.${process.pid}.${++seq}.tmp`;
}

/**
 * Writes `data` to `file` through a temp file in the same folder and a rename, so a reader (or a
 * crash) never sees half a file. Creates the folder; removes the temp file when the write fails.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** `writeFileAtomic` of `JSON.stringify(value, null, indent)` (no trailing newline). */
export function writeJsonAtomic(file: string, value: unknown, indent = 2): void {
  writeFileAtomic(file, JSON.stringify(value, null, indent));
}

export interface WriteDirOptions {
  /**
   * Asked after `fill` and before the swap: true keeps what `dir` holds now (another process
   * finished the same folder first) and discards the new copy.
   */
  keepExisting?: () => boolean;
}

/** Removes `dir` and renames the filled `tmp` into its place (the directory variant's last step). */
function swapDir(tmp: string, dir: string, opts: WriteDirOptions): boolean {
  if (opts.keepExisting?.()) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return false;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.renameSync(tmp, dir);
  return true;
}

function freshTempDir(dir: string): string {
  const tmp = tempPathFor(dir);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  return tmp;
}

/**
 * The directory variant: `fill` writes a whole folder into an empty temp folder beside `dir`,
 * which then replaces `dir` by a rename, so readers see the old folder or the complete new one.
 * When `fill` throws, the temp folder is removed and `dir` is left as it was. Returns true when
 * `dir` was replaced, false when `keepExisting` kept it.
 */
export async function writeDirAtomic(
  dir: string,
  fill: (tmp: string) => Promise<void> | void,
  opts: WriteDirOptions = {},
): Promise<boolean> {
  const tmp = freshTempDir(dir);
  try {
    await fill(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return swapDir(tmp, dir, opts);
}

/** `writeDirAtomic` for a synchronous `fill`. */
export function writeDirAtomicSync(dir: string, fill: (tmp: string) => void, opts: WriteDirOptions = {}): boolean {
  const tmp = freshTempDir(dir);
  try {
    fill(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return swapDir(tmp, dir, opts);
}
