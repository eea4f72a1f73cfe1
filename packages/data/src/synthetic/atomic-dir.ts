import fs from 'node:fs';
import path from 'node:path';
import { PhaseProgress } from './progress.ts';

/**
 * Builds a generated dataset folder in `<root>.<pid>.<n>.tmp` and renames it into place, so a
 * crash never leaves a half-written dataset. `manifest` (the generator name, version and
 * options) is written as `manifest.json`; when `root` already holds the same manifest the
 * build is skipped. Several processes may build the same dataset at once (sweep jobs): the
 * first to finish renames its copy into place and the others, finding the same manifest there,
 * discard theirs instead of replacing a folder that may already be read. Returns true when it
 * generated, false when it reused the existing copy. `total` items (the generator ticks
 * `progress` once per sample) drive a `generating <folder>` progress line for long builds.
 */
let builds = 0;

export async function buildDirAtomically(root: string, manifest: object, build: (tmp: string, progress: PhaseProgress) => Promise<void>, total = 0): Promise<boolean> {
  const text = JSON.stringify(manifest, null, 2);
  const mf = path.join(root, 'manifest.json');
  if (fs.existsSync(mf) && fs.readFileSync(mf, 'utf8') === text) return false;
  const tmp = `${root}.${process.pid}.${++builds}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const progress = new PhaseProgress(`generating ${path.basename(root)}`, total);
  try {
    await build(tmp, progress);
    fs.writeFileSync(path.join(tmp, 'manifest.json'), text);
    progress.done();
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (fs.existsSync(mf) && fs.readFileSync(mf, 'utf8') === text) {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process finished first
    return false;
  }
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(root), { recursive: true });
  fs.renameSync(tmp, root);
  return true;
}

/** Zero-padded sample name, e.g. `train_00007`. */
export const sampleName = (prefix: string, i: number): string => `${prefix}_${String(i).padStart(5, '0')}`;
