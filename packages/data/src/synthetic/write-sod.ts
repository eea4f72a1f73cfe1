import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@kd/core';
import { writeGrayPng, writeJpeg } from '../image-io.ts';
import { buildDirAtomically } from './atomic-dir.ts';
import { renderSodScene } from './sod-scene.ts';

/** Bump when the renderer changes, so stale generated data is regenerated. */
export const SYNTH_SOD_VERSION = 2;

export interface SynthSodOptions {
  seed: number;
  /** Samples per split, e.g. { train: 400, test: 100 }. */
  splits: Record<string, number>;
  width: number;
  height: number;
  /** Write masks (KD-SCFNet labeled layout) or images only (KD-SOD80K unlabeled layout). */
  labeled: boolean;
}

/**
 * Writes a synthetic SOD dataset in the KD-SCFNet on-disk layout: `image/<name>.jpg`,
 * `mask/<name>.png` (labeled only) and `<split>.txt` with names without extension.
 * Deterministic in the options; skipped when `root/manifest.json` already records the same
 * options; built in a temp folder and renamed into place, so it is never left half-written.
 * Returns true when it generated, false when it reused an existing copy.
 */
export async function synthSodDataset(root: string, opts: SynthSodOptions): Promise<boolean> {
  return buildDirAtomically(
    root,
    { generator: 'synthetic-sod', version: SYNTH_SOD_VERSION, ...opts },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-sod');
      for (const [split, n] of Object.entries(opts.splits)) {
        const names: string[] = [];
        const splitRng = rng.fork(split);
        for (let i = 0; i < n; i++) {
          const name = `${split}_${String(i).padStart(5, '0')}`;
          const scene = renderSodScene(splitRng.fork(String(i)), opts.width, opts.height);
          await writeJpeg(path.join(tmp, 'image', `${name}.jpg`), scene.rgb, scene.width, scene.height);
          if (opts.labeled)
            await writeGrayPng(path.join(tmp, 'mask', `${name}.png`), scene.mask, scene.width, scene.height);
          names.push(name);
          progress.tick();
        }
        fs.writeFileSync(path.join(tmp, `${split}.txt`), names.join('\n') + '\n');
      }
    },
    Object.values(opts.splits).reduce((a, b) => a + b, 0),
  );
}
