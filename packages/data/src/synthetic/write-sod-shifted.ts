import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@kd/core';
import { writeGrayPng, writeJpeg } from '../image-io.ts';
import { buildDirAtomically, sampleName } from './atomic-dir.ts';
import { renderSodScene } from './sod-scene.ts';
import { applySodStyle, type SodStyle } from './sod-style.ts';

/** Bump when the renderer or the styles change, so stale generated data is regenerated. */
export const SYNTH_SOD_SHIFTED_VERSION = 1;

export interface SynthSodShiftedOptions {
  seed: number;
  /** Per split: how many samples and in which style, e.g. { train: { n: 80, style: 'source' }, test: { n: 160, style: 'target' } }. */
  splits: Record<string, { n: number; style: SodStyle }>;
  width: number;
  height: number;
  /** Write masks (KD-SCFNet labeled layout) or images only (KD-SOD80K unlabeled layout). */
  labeled: boolean;
}

/**
 * A synthetic SOD set with a distribution shift between splits (sod-style.ts), in the KD-SCFNet
 * layout: `image/<split>_<i>.jpg`, `mask/<split>_<i>.png` (labeled only), `<split>.txt`.
 * Scene i of a split is `renderSodScene(Rng(seed, 'synthetic-sod-shifted').fork(split).fork(i))`,
 * restyled with the same Rng's fork `style`. Deterministic in the options; built atomically and
 * reused when the manifest matches (as `synthSodDataset`). Returns true when it generated.
 */
export async function synthSodShiftedDataset(root: string, opts: SynthSodShiftedOptions): Promise<boolean> {
  const total = Object.values(opts.splits).reduce((a, s) => a + s.n, 0);
  return buildDirAtomically(
    root,
    { generator: 'synthetic-sod-shifted', version: SYNTH_SOD_SHIFTED_VERSION, ...opts },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-sod-shifted');
      for (const [split, { n, style }] of Object.entries(opts.splits)) {
        const names: string[] = [];
        const splitRng = rng.fork(split);
        for (let i = 0; i < n; i++) {
          const name = sampleName(split, i);
          const r = splitRng.fork(String(i));
          const scene = applySodStyle(renderSodScene(r, opts.width, opts.height), style, r.fork('style'));
          await writeJpeg(path.join(tmp, 'image', `${name}.jpg`), scene.rgb, scene.width, scene.height);
          if (opts.labeled)
            await writeGrayPng(path.join(tmp, 'mask', `${name}.png`), scene.mask, scene.width, scene.height);
          names.push(name);
          progress.tick();
        }
        fs.writeFileSync(path.join(tmp, `${split}.txt`), names.join('\n') + '\n');
      }
    },
    total,
  );
}
