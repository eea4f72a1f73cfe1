import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';

/**
 * Reads a split list (`train.txt`, `ImageSets/Main/trainval.txt`, …): one entry per line,
 * CRLF tolerated, blank lines skipped, only the first whitespace-separated token kept (VOC
 * `ImageSets/Main/<class>_<split>.txt` style lines carry a flag after the name).
 * Throws when the file is missing or lists nothing.
 */
export function readListFile(file: string, what = 'split list'): string[] {
  if (!fs.existsSync(file)) throw new DataError(`${what} not found`, file);
  const names = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim().split(/\s+/)[0])
    .filter(Boolean);
  if (names.length === 0) throw new DataError('split is empty (no names listed)', file);
  return names;
}

/**
 * Joins `rel` under `root`, or returns null when the result would leave `root` (`../`,
 * absolute paths). Listing code turns null into a bad entry naming the list file.
 */
export function insideRoot(root: string, rel: string): string | null {
  if (path.isAbsolute(rel) || rel.includes('\0')) return null;
  const abs = path.resolve(root, rel);
  const r = path.resolve(root);
  return abs === r || abs.startsWith(r + path.sep) ? abs : null;
}

/** The first existing file among `candidates`, or null. */
export function firstExisting(candidates: readonly string[]): string | null {
  for (const c of candidates) if (fs.existsSync(c)) return c;
  return null;
}

/** Image extensions readers accept when a layout does not fix one. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp'] as const;

/** Image files directly in `dir` (not recursive), sorted by name. */
export function listImageFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(d.name).toLowerCase()))
    .filter(
      (d) =>
        d.isFile() || (d.isSymbolicLink() && fs.statSync(path.join(dir, d.name), { throwIfNoEntry: false })?.isFile()),
    )
    .map((d) => d.name)
    .sort();
}
