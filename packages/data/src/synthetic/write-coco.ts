import path from 'node:path';
import { Rng, writeFileAtomic } from '@kd/core';
import { writeJpeg } from '../image-io.ts';
import { buildDirAtomically } from './atomic-dir.ts';
import { CLUTTERED_CLASSES, renderClutteredObjectScene } from './cluttered-object-scene.ts';
import { renderObjectScene } from './object-scene.ts';

export const SYNTH_COCO_VERSION = 1;

/** The twin's categories: two classes like the FSD Fall set, with non-contiguous ids on purpose. */
export const SYNTH_COCO_CATEGORIES = [
  { id: 1, name: 'fall', supercategory: 'person' },
  { id: 3, name: 'stand', supercategory: 'person' },
] as const;

/** Which scenes a COCO twin holds: `fall2` (two classes, one hue each, like the FSD Fall set) or `cluttered8` (renderClutteredObjectScene). */
export type CocoTwinStyle = 'fall2' | 'cluttered8';

/** The categories of a twin style (contiguous ids for `cluttered8`). */
export function cocoTwinCategories(
  style: CocoTwinStyle,
): readonly { id: number; name: string; supercategory: string }[] {
  return style === 'fall2'
    ? SYNTH_COCO_CATEGORIES
    : CLUTTERED_CLASSES.map((c, i) => ({ id: i + 1, name: c.name, supercategory: 'shape' }));
}

/**
 * Writes a synthetic COCO-format twin:
 * ```
 * annotations/instances_{train2017,val2017}.json
 * {train2017,val2017}/<id 12 digits>.jpg
 * ```
 * train2017 gets `n` images, val2017 max(1, ⌈n/4⌉). Boxes are the visible pixel extents.
 */
export async function synthCocoDataset(
  root: string,
  opts: { seed: number; n: number; width: number; height: number; style?: CocoTwinStyle },
): Promise<boolean> {
  const style = opts.style ?? 'fall2';
  const categories = cocoTwinCategories(style);
  return buildDirAtomically(
    root,
    // `style` joins the folder's identity only when it is not the default, so existing fall2 twins stay valid.
    {
      generator: 'synthetic-coco',
      version: SYNTH_COCO_VERSION,
      ...opts,
      ...(style === 'fall2' ? { style: undefined } : {}),
    },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-coco');
      let annId = 1;
      for (const [split, n, first] of [
        ['train2017', opts.n, 1],
        ['val2017', Math.max(1, Math.ceil(opts.n / 4)), 100001],
      ] as const) {
        const images: object[] = [],
          annotations: object[] = [];
        for (let i = 0; i < n; i++) {
          const id = first + i;
          const fileName = `${String(id).padStart(12, '0')}.jpg`;
          const r = rng.fork(`${split}/${i}`);
          const s =
            style === 'fall2'
              ? renderObjectScene(r, opts.width, opts.height, SYNTH_COCO_CATEGORIES.length)
              : renderClutteredObjectScene(r, opts.width, opts.height);
          await writeJpeg(path.join(tmp, split, fileName), s.rgb, s.width, s.height);
          images.push({ id, file_name: fileName, width: s.width, height: s.height });
          progress.tick();
          for (const o of s.objects) {
            const bbox = [o.x1, o.y1, o.x2 - o.x1, o.y2 - o.y1];
            annotations.push({
              id: annId++,
              image_id: id,
              category_id: categories[o.cls - 1].id,
              bbox,
              area: o.area,
              iscrowd: 0,
              segmentation: [],
            });
          }
        }
        const json = {
          info: { description: 'kdlab synthetic COCO twin', version: String(SYNTH_COCO_VERSION) },
          images,
          annotations,
          categories,
        };
        writeFileAtomic(path.join(tmp, 'annotations', `instances_${split}.json`), Buffer.from(JSON.stringify(json)));
      }
    },
    opts.n + Math.max(1, Math.ceil(opts.n / 4)),
  );
}
