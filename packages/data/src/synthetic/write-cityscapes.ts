import path from 'node:path';
import { Rng } from '@kd/core';
import { writeGrayPng, writeRgbPng } from '../image-io.ts';
import { buildDirAtomically } from './atomic-dir.ts';
import { renderStreetScene } from './street-scene.ts';

export const SYNTH_CITYSCAPES_VERSION = 1;

/**
 * Writes a synthetic Cityscapes twin in the official layout:
 * ```
 * leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png   RGB PNG
 * gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png     8-bit grey, raw label ids
 * ```
 * `train` gets `n` frames over two cities, `val` gets max(1, ⌈n/4⌉) frames of `frankfurt`.
 */
export async function synthCityscapesDataset(
  root: string,
  opts: { seed: number; n: number; width: number; height: number },
): Promise<boolean> {
  return buildDirAtomically(
    root,
    { generator: 'synthetic-cityscapes', version: SYNTH_CITYSCAPES_VERSION, ...opts },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-cityscapes');
      const splits: [string, number, string[]][] = [
        ['train', opts.n, ['aachen', 'bochum']],
        ['val', Math.max(1, Math.ceil(opts.n / 4)), ['frankfurt']],
      ];
      for (const [split, n, cities] of splits) {
        for (let i = 0; i < n; i++) {
          const city = cities[i % cities.length];
          const stem = `${city}_${String(i).padStart(6, '0')}_${String(19 + i).padStart(6, '0')}`;
          const s = renderStreetScene(rng.fork(`${split}/${i}`), opts.width, opts.height);
          await writeRgbPng(
            path.join(tmp, 'leftImg8bit', split, city, `${stem}_leftImg8bit.png`),
            s.rgb,
            s.width,
            s.height,
          );
          await writeGrayPng(
            path.join(tmp, 'gtFine', split, city, `${stem}_gtFine_labelIds.png`),
            s.labelIds,
            s.width,
            s.height,
          );
          progress.tick();
        }
      }
    },
    opts.n + Math.max(1, Math.ceil(opts.n / 4)),
  );
}
