import path from 'node:path';
import { Rng, writeFileAtomic } from '@kd/core';
import { writeGrayPng, writeJpeg } from '../image-io.ts';
import { writePalettePng } from '../png/index-png.ts';
import { VOC_DET_CLASSES, VOC_PALETTE, VOC_SEG_CLASSES } from '../seg/voc-classes.ts';
import { vocXml } from '../det/voc-xml.ts';
import { buildDirAtomically } from './atomic-dir.ts';
import { addVoidBand, renderObjectScene } from './object-scene.ts';

export const SYNTH_VOC_VERSION = 1;

/**
 * Writes a synthetic VOC twin (a `VOCdevkit/VOC20xx` folder) with both the segmentation and
 * the detection files of every image:
 * ```
 * JPEGImages/<name>.jpg
 * SegmentationClass/<name>.png      8-bit palette PNG, indices 0..20, 255 on object outlines
 * SegmentationClassAug/<name>.png   8-bit grey PNG, same indices
 * Annotations/<name>.xml            VOC XML (size, objects, bndbox 1-based inclusive)
 * ImageSets/Segmentation/{train,val,train_aug}.txt, ImageSets/Main/{trainval,test}.txt
 * ```
 * `train`/`trainval` get `n` images, `val`/`test` get max(1, ⌈n/4⌉).
 */
export async function synthVocDataset(
  root: string,
  opts: { seed: number; n: number; width: number; height: number },
): Promise<boolean> {
  return buildDirAtomically(
    root,
    { generator: 'synthetic-voc', version: SYNTH_VOC_VERSION, ...opts },
    async (tmp, progress) => {
      const rng = new Rng(opts.seed, 'synthetic-voc');
      const lists: Record<string, string[]> = { train: [], val: [] };
      const total = opts.n + Math.max(1, Math.ceil(opts.n / 4));
      for (let i = 0; i < total; i++) {
        const name = `2099_${String(i).padStart(6, '0')}`;
        (i < opts.n ? lists.train : lists.val).push(name);
        const s = renderObjectScene(rng.fork(String(i)), opts.width, opts.height, VOC_SEG_CLASSES.length - 1);
        const withVoid = addVoidBand(s.classes, s.width, s.height);
        await writeJpeg(path.join(tmp, 'JPEGImages', `${name}.jpg`), s.rgb, s.width, s.height);
        await writePalettePng(
          path.join(tmp, 'SegmentationClass', `${name}.png`),
          withVoid,
          s.width,
          s.height,
          VOC_PALETTE,
        );
        await writeGrayPng(path.join(tmp, 'SegmentationClassAug', `${name}.png`), withVoid, s.width, s.height);
        const objects = s.objects.map((o) => ({
          name: VOC_DET_CLASSES[o.cls - 1],
          xmin: o.x1 + 1,
          ymin: o.y1 + 1,
          xmax: o.x2,
          ymax: o.y2,
          truncated: o.truncated,
          difficult: o.area < 64,
        }));
        writeFileAtomic(
          path.join(tmp, 'Annotations', `${name}.xml`),
          Buffer.from(
            vocXml({ folder: 'VOC2099', filename: `${name}.jpg`, width: s.width, height: s.height, objects }),
          ),
        );
        progress.tick();
      }
      const write = (rel: string, names: string[]) =>
        writeFileAtomic(path.join(tmp, 'ImageSets', rel), Buffer.from(names.join('\n') + '\n'));
      await write('Segmentation/train.txt', lists.train);
      await write('Segmentation/train_aug.txt', lists.train);
      await write('Segmentation/val.txt', lists.val);
      await write('Main/trainval.txt', lists.train);
      await write('Main/test.txt', lists.val);
    },
    opts.n + Math.max(1, Math.ceil(opts.n / 4)),
  );
}
