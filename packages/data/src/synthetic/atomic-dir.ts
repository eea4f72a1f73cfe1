import fs from 'node:fs';
import path from 'node:path';
import { writeDirAtomic } from '@kd/core';
import { PhaseProgress } from './progress.ts';

/**
 * Builds a generated dataset folder in a temp folder beside it (core `writeDirAtomic`) and renames it into place, so a
 * crash never leaves a half-written dataset. `manifest` (the generator name, version and
 * options) is written as `manifest.json`; when `root` already holds the same manifest the
 * build is skipped. Several processes may build the same dataset at once (sweep jobs): the
 * first to finish renames its copy into place and the others, finding the same manifest there,
 * discard theirs instead of replacing a folder that may already be read. Returns true when it
 * generated, false when it reused the existing copy. `total` items (the generator ticks
 * `progress` once per sample) drive a `generating <folder>` progress line for long builds.
 */
export async function buildDirAtomically(
  root: string,
  manifest: object,
  build: (tmp: string, progress: PhaseProgress) => Promise<void>,
  total = 0,
): Promise<boolean> {
  const text = JSON.stringify(manifest, null, 2);
  const mf = path.join(root, 'manifest.json');
  const built = (): boolean => fs.existsSync(mf) && fs.readFileSync(mf, 'utf8') === text;
  if (built()) return false;
  const progress = new PhaseProgress(`generating ${path.basename(root)}`, total);
  return writeDirAtomic(
    root,
    async (tmp) => {
      await build(tmp, progress);
      fs.writeFileSync(path.join(tmp, 'manifest.json'), text);
      progress.done();
    },
    { keepExisting: built }, // another process finished first: its copy may already be read
  );
}

/** Zero-padded sample name, e.g. `train_00007`. */
export const sampleName = (prefix: string, i: number): string => `${prefix}_${String(i).padStart(5, '0')}`;
