import path from 'node:path';
import { Rng } from '@kd/core';
import { writeGrayPng, writeJpeg } from '../image-io.ts';
import { buildDirAtomically, sampleName } from './atomic-dir.ts';
import { renderSodScene } from './sod-scene.ts';

export const SYNTH_CSNET_VERSION = 1;

/**
 * Writes a synthetic SOD dataset in the CSNet layout (one dataset per folder, no list file):
 * `images/<name>.jpg` and `GT/<name>.png` (8-bit grey 0..255). Deterministic in the options.
 */
export async function synthCsnetDataset(
  root: string,
  opts: { seed: number; n: number; width: number; height: number },
): Promise<boolean> {
  return buildDirAtomically(
    root,
    { generator: 'synthetic-sod-csnet', version: SYNTH_CSNET_VERSION, ...opts },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-sod-csnet');
      for (let i = 0; i < opts.n; i++) {
        const name = sampleName('sal', i);
        const scene = renderSodScene(rng.fork(String(i)), opts.width, opts.height);
        await writeJpeg(path.join(tmp, 'images', `${name}.jpg`), scene.rgb, scene.width, scene.height);
        await writeGrayPng(path.join(tmp, 'GT', `${name}.png`), scene.mask, scene.width, scene.height);
        progress.tick();
      }
    },
    opts.n,
  );
}
