import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import { readRgb } from '../image-io.ts';
import { insideRoot } from '../dataset/list-file.ts';
import type { DatasetKind } from '../dataset/dataset-kind.ts';
import type { BadSample, DetObject, Sample, SampleRef } from '../dataset/types.ts';
import { synthCocoDataset } from '../synthetic/write-coco.ts';

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}
interface CocoAnn {
  id?: number;
  image_id: number;
  category_id: number;
  bbox: number[];
  iscrowd?: number;
}
interface CocoCategory {
  id: number;
  name: string;
}

/** Where the images of `split` live: `<root>/<split>/`, `<root>/images/<split>/` or `<root>/images/`. */
export function cocoImageDir(root: string, split: string): string {
  const c = [path.join(root, split), path.join(root, 'images', split), path.join(root, 'images')];
  return c.find((d) => fs.existsSync(d)) ?? c[0];
}

/**
 * Lists a COCO-format detection split (the FSD Fall dataset ships this way):
 * ```
 * <root>/annotations/instances_<split>.json   {images, annotations, categories}
 * <root>/<split>/<file_name>                  (or images/<split>/, images/)
 * ```
 * Category ids are sorted and mapped to contiguous indices 0..K−1 (`classes` = their names).
 * bbox [x, y, w, h] becomes pixel-edge x1 = x, x2 = x + w. An annotation naming an unknown
 * image or category, or with a box outside its image, is refused (and its image with it); an
 * image whose file is missing or escapes the root is refused. A malformed JSON throws.
 */
export function listCoco(root: string, split: string): { classes: string[]; refs: SampleRef[]; bad: BadSample[] } {
  const file = path.join(root, 'annotations', `instances_${split}.json`);
  if (!fs.existsSync(file))
    throw new DataError(`annotation file not found (expected annotations/instances_${split}.json)`, file);
  let doc: { images?: CocoImage[]; annotations?: CocoAnn[]; categories?: CocoCategory[] };
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`malformed JSON (${(e as Error).message})`, file);
  }
  if (!Array.isArray(doc.images) || !Array.isArray(doc.annotations) || !Array.isArray(doc.categories)) {
    throw new DataError('not a COCO instances file: needs "images", "annotations" and "categories" arrays', file);
  }
  if (doc.images.length === 0) throw new DataError('split is empty ("images" is empty)', file);
  const cats = [...doc.categories].sort((a, b) => a.id - b.id);
  const catIndex = new Map(cats.map((c, i) => [c.id, i]));
  const images = new Map(doc.images.map((im) => [im.id, im]));
  const objects = new Map<number, DetObject[]>(doc.images.map((im) => [im.id, []]));
  const badImages = new Map<number, string>();
  const bad: BadSample[] = [];
  doc.annotations.forEach((a, k) => {
    const where = `annotation ${a.id ?? `#${k}`}`;
    const im = images.get(a.image_id);
    if (!im) return void bad.push({ file, reason: `${where}: image_id ${a.image_id} is not in "images"` });
    const cls = catIndex.get(a.category_id);
    const [x, y, w, h] = Array.isArray(a.bbox) ? a.bbox : [];
    let why = '';
    if (cls === undefined) why = `category_id ${a.category_id} is not in "categories"`;
    else if (![x, y, w, h].every((v) => typeof v === 'number' && Number.isFinite(v)) || w < 0 || h < 0)
      why = `bbox ${JSON.stringify(a.bbox)} is not [x, y, w, h]`;
    else if (x < 0 || y < 0 || x + w > im.width + 1e-3 || y + h > im.height + 1e-3)
      why = `bbox [${x}, ${y}, ${w}, ${h}] lies outside the ${im.width}×${im.height} image`;
    if (why) return void (badImages.has(im.id) || badImages.set(im.id, `${where}: ${why}`));
    objects.get(im.id)!.push({
      cls: cls!,
      x1: x,
      y1: y,
      x2: Math.min(x + w, im.width),
      y2: Math.min(y + h, im.height),
      difficult: a.iscrowd === 1,
      truncated: false,
    });
  });
  const dir = cocoImageDir(root, split);
  const refs: SampleRef[] = [];
  for (const im of doc.images) {
    const image = typeof im.file_name === 'string' ? insideRoot(dir, im.file_name) : null;
    if (!image) bad.push({ file, reason: `image ${im.id}: file_name '${im.file_name}' escapes the image folder` });
    else if (badImages.has(im.id)) bad.push({ file, reason: badImages.get(im.id)! });
    else if (!fs.existsSync(image))
      bad.push({ file, reason: `image ${im.id}: ${path.relative(root, image)} not found` });
    else
      refs.push({
        name: path.parse(im.file_name).name,
        image,
        objects: objects.get(im.id)!,
        annotationFile: file,
        declaredSize: { width: im.width, height: im.height },
      });
  }
  return { classes: cats.map((c) => c.name), refs, bad };
}

/** Decodes a COCO image; its size must match the JSON's width/height. */
export async function loadCocoSample(ref: SampleRef): Promise<Sample> {
  const img = await readRgb(ref.image);
  const d = ref.declaredSize!;
  if (d.width !== img.width || d.height !== img.height) {
    throw new DataError(
      `image is ${img.width}×${img.height} but ${path.basename(ref.annotationFile ?? 'the JSON')} says ${d.width}×${d.height}`,
      ref.image,
    );
  }
  return { name: ref.name, width: img.width, height: img.height, image: img.data, objects: ref.objects ?? [] };
}

/** `coco-det`: COCO-format detection JSON. */
export const cocoDetKind: DatasetKind = {
  name: 'coco-det',
  task: 'det',
  labeled: true,
  description: 'COCO-format detection: annotations/instances_<split>.json + <split>/ images (category ids → 0..K−1)',
  defaultSplit: 'train2017',
  list: listCoco,
  load: loadCocoSample,
  synth: async (out, o) => {
    await synthCocoDataset(out, { seed: o.seed, n: o.n, width: o.width ?? 256, height: o.height ?? 192 });
  },
};
