import path from 'node:path';
import { Rng } from '@kd/core';
import { writeGrayPng, writeRgbPng } from '../image-io.ts';
import { buildDirAtomically } from './atomic-dir.ts';
import { renderStreetScene, type StreetScene } from './street-scene.ts';
import { renderStreetSceneObjects } from './street-scene-objects.ts';

export const SYNTH_CITYSCAPES_VERSION = 1;

/**
 * Looks of the street twin: `classic` (each class its own base colour, the original twin) or
 * `objects` (classes share hues; shape, texture and context tell them apart: street-scene-objects.ts).
 */
export const STREET_STYLES = ['classic', 'objects'] as const;
export type StreetStyle = (typeof STREET_STYLES)[number];

/** One street frame of `style` (deterministic in `rng`). */
export function renderStreet(style: StreetStyle, rng: Rng, width: number, height: number): StreetScene {
  if (style === 'classic') return renderStreetScene(rng, width, height);
  if (style === 'objects') return renderStreetSceneObjects(rng, width, height);
  throw new Error(`street twin style: expected ${STREET_STYLES.join(' or ')}, got '${String(style)}'`);
}

/**
 * Writes a synthetic Cityscapes twin in the official layout:
 * ```
 * leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png   RGB PNG
 * gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png     8-bit grey, raw label ids
 * ```
 * `train` gets `n` frames over two cities, `val` gets `nVal` (default max(1, ⌈n/4⌉)) frames of
 * `frankfurt`, rendered in `style` (default `classic`; the default twin's files and manifest are
 * unchanged by the two options).
 */
export async function synthCityscapesDataset(
  root: string,
  opts: { seed: number; n: number; width: number; height: number; style?: StreetStyle; nVal?: number },
): Promise<boolean> {
  const { style = 'classic', nVal, ...base } = opts;
  const nv = nVal ?? Math.max(1, Math.ceil(opts.n / 4));
  if (!(Number.isInteger(nv) && nv >= 1))
    throw new Error(`synthetic Cityscapes: nVal must be an integer ≥ 1, got ${nv}`);
  return buildDirAtomically(
    root,
    {
      generator: 'synthetic-cityscapes',
      version: SYNTH_CITYSCAPES_VERSION,
      ...base,
      ...(style !== 'classic' ? { style } : {}),
      ...(nVal !== undefined ? { nVal } : {}),
    },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-cityscapes');
      const splits: [string, number, string[]][] = [
        ['train', opts.n, ['aachen', 'bochum']],
        ['val', nv, ['frankfurt']],
      ];
      for (const [split, n, cities] of splits) {
        for (let i = 0; i < n; i++) {
          const city = cities[i % cities.length];
          const stem = `${city}_${String(i).padStart(6, '0')}_${String(19 + i).padStart(6, '0')}`;
          const s = renderStreet(style, rng.fork(`${split}/${i}`), opts.width, opts.height);
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
    opts.n + nv,
  );
}
