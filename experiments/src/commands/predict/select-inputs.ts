import fs from 'node:fs';
import path from 'node:path';
import { UsageError, globToRegExp } from '@kd/core';

/** File extensions `predict` reads from a folder. */
export const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?)$/i;

export interface InputFilter {
  /** `--list FILE`: one id (name without extension) or file name per line; `#` comments and blank lines ignored. */
  list?: string;
  /** `--glob PATTERN` on the file name: `*`, `?` and `{a,b}` alternatives, e.g. `*.jpg`. */
  glob?: string;
}

/** A glob on a file name as a RegExp: `*` any run, `?` one character, `{a,b}` alternatives (not nested). */
export function fileGlob(pattern: string): RegExp {
  const m = /\{([^{}]*)\}/.exec(pattern);
  if (!m) return globToRegExp(pattern);
  const alts = m[1].split(',').map((a) => pattern.slice(0, m.index) + a + pattern.slice(m.index + m[0].length));
  const res = alts.map((a) => fileGlob(a).source.slice(1, -1));
  return new RegExp(`^(?:${res.join('|')})$`);
}

/** Entries of a list file (KD-SCFNet's `test.txt` format: names without extension, one per line). */
export function readListFile(file: string): string[] {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`--list: '${file}' is not a file`);
  const entries = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (!entries.length) throw new UsageError(`--list: '${file}' lists no images (one id or file name per line)`);
  return entries;
}

/**
 * Image files named by `--input`: files as given; folders expanded to their images (sorted),
 * keeping only those matching `--glob` and listed in `--list` (an entry matches a file name
 * exactly, or its name without extension). A list entry matching no image in any input folder
 * is an error naming it, so a typo never silently drops an image; so is a folder left empty.
 */
export function listInputs(inputs: string[], filter: InputFilter = {}): string[] {
  const glob = filter.glob !== undefined ? fileGlob(filter.glob) : null;
  const listed = filter.list !== undefined ? readListFile(filter.list) : null;
  const wanted = listed ? new Set(listed) : null;
  const used = new Set<string>();
  const files: string[] = [];
  let folders = 0;
  let empty: string | undefined;
  for (const p of inputs) {
    if (!fs.existsSync(p)) throw new UsageError(`--input: '${p}' does not exist`);
    if (!fs.statSync(p).isDirectory()) {
      files.push(p);
      continue;
    }
    folders++;
    const images = fs
      .readdirSync(p)
      .filter((f) => IMAGE_EXT.test(f))
      .sort();
    if (!images.length) throw new UsageError(`--input: folder '${p}' has no images (${IMAGE_EXT.source})`);
    const kept = images.filter((f) => {
      if (glob && !glob.test(f)) return false;
      if (!wanted) return true;
      const stem = f.replace(/\.[^.]+$/, '');
      const hit = wanted.has(f) ? f : wanted.has(stem) ? stem : null;
      if (hit) used.add(hit);
      return hit !== null;
    });
    if (!kept.length) {
      const why = [glob ? `--glob '${filter.glob}'` : '', wanted ? `--list '${filter.list}'` : '']
        .filter(Boolean)
        .join(' and ');
      empty ??= `--input: no image in folder '${p}' matches ${why} (${images.length} images there, e.g. '${images[0]}')`;
    }
    files.push(...kept.map((f) => path.join(p, f)));
  }
  if ((glob || wanted) && !folders)
    throw new UsageError(`${glob ? '--glob' : '--list'}: applies to --input folders, and every --input is a file`);
  if (wanted) {
    const missing = listed!.filter((e) => !used.has(e));
    if (missing.length)
      throw new UsageError(
        `--list: '${filter.list}' names ${missing.length} image(s) found in no --input folder${glob ? ` matching --glob '${filter.glob}'` : ''}, first '${missing[0]}'`,
      );
  }
  if (empty) throw new UsageError(empty);
  return files;
}
