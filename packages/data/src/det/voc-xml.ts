import { XMLParser } from 'fast-xml-parser';
import { DataError } from '@kd/core';
import type { DetObject } from '../dataset/types.ts';

/** A parsed VOC annotation. Boxes are converted to pixel-edge coordinates (see `parseVocXml`). */
export interface VocAnnotation {
  filename: string;
  width: number;
  height: number;
  objects: DetObject[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_n, jpath) => jpath === 'annotation.object',
});

/**
 * Parses one VOC `Annotations/<name>.xml`. `<size>` (width, height) is required. Each
 * `<object>` needs a `<name>` from `classes` and a `<bndbox>` with numeric xmin/ymin/xmax/ymax,
 * which VOC writes 1-based and inclusive; they become pixel-edge coordinates
 * x1 = xmin − 1, x2 = xmax (so x2 − x1 is the width in pixels; x1 is clamped at 0 for files
 * that use 0-based xmin). A box with xmin > xmax or beyond the declared size is refused.
 * `difficult` / `truncated` default to 0. Errors name `file` and the object number (1-based).
 */
export function parseVocXml(text: string, file: string, classes: readonly string[]): VocAnnotation {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (e) {
    throw new DataError(`malformed XML (${(e as Error).message.split('\n')[0]})`, file);
  }
  const ann = doc.annotation as Record<string, unknown> | undefined;
  if (!ann || typeof ann !== 'object') throw new DataError('not a VOC annotation (no <annotation> root element)', file);
  const size = ann.size as Record<string, unknown> | undefined;
  const width = num(size?.width),
    height = num(size?.height);
  if (!size || !(width > 0) || !(height > 0))
    throw new DataError('annotation has no <size> with positive <width> and <height>', file);
  const objects: DetObject[] = [];
  ((ann.object as Record<string, unknown>[] | undefined) ?? []).forEach((o, k) => {
    const where = `object ${k + 1}`;
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    const cls = classes.indexOf(name);
    if (cls < 0)
      throw new DataError(`${where}: unknown class '${name}' (expected one of: ${classes.join(', ')})`, file);
    const b = o.bndbox as Record<string, unknown> | undefined;
    const [xmin, ymin, xmax, ymax] = [b?.xmin, b?.ymin, b?.xmax, b?.ymax].map(num);
    if (![xmin, ymin, xmax, ymax].every(Number.isFinite))
      throw new DataError(`${where} (${name}): <bndbox> needs numeric xmin, ymin, xmax, ymax`, file);
    if (xmin < 0 || ymin < 0 || xmax > width || ymax > height || xmin > xmax || ymin > ymax) {
      throw new DataError(
        `${where} (${name}): box (${xmin}, ${ymin}, ${xmax}, ${ymax}) lies outside the ${width}×${height} image`,
        file,
      );
    }
    objects.push({
      cls,
      x1: Math.max(0, xmin - 1),
      y1: Math.max(0, ymin - 1),
      x2: xmax,
      y2: ymax,
      difficult: num(o.difficult) === 1,
      truncated: num(o.truncated) === 1,
    });
  });
  return { filename: typeof ann.filename === 'string' ? ann.filename : '', width, height, objects };
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return NaN;
  return Number(v);
}

/** An object as VOC writes it (1-based inclusive bndbox). */
export interface VocXmlObject {
  name: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  truncated: boolean;
  difficult: boolean;
}

/** Serialises an annotation the way the VOC2007 devkit files look (tab indentation, LF). */
export function vocXml(a: {
  folder: string;
  filename: string;
  width: number;
  height: number;
  objects: readonly VocXmlObject[];
}): string {
  const lines = [
    '<annotation>',
    `\t<folder>${a.folder}</folder>`,
    `\t<filename>${a.filename}</filename>`,
    '\t<source>',
    `\t\t<database>The ${a.folder} Database</database>`,
    `\t\t<annotation>PASCAL ${a.folder}</annotation>`,
    '\t\t<image>synthetic</image>',
    '\t</source>',
    '\t<size>',
    `\t\t<width>${a.width}</width>`,
    `\t\t<height>${a.height}</height>`,
    '\t\t<depth>3</depth>',
    '\t</size>',
    '\t<segmented>1</segmented>',
  ];
  for (const o of a.objects) {
    lines.push(
      '\t<object>',
      `\t\t<name>${o.name}</name>`,
      '\t\t<pose>Unspecified</pose>',
      `\t\t<truncated>${o.truncated ? 1 : 0}</truncated>`,
      `\t\t<difficult>${o.difficult ? 1 : 0}</difficult>`,
    );
    lines.push(
      '\t\t<bndbox>',
      `\t\t\t<xmin>${o.xmin}</xmin>`,
      `\t\t\t<ymin>${o.ymin}</ymin>`,
      `\t\t\t<xmax>${o.xmax}</xmax>`,
      `\t\t\t<ymax>${o.ymax}</ymax>`,
      '\t\t</bndbox>',
      '\t</object>',
    );
  }
  lines.push('</annotation>');
  return lines.join('\n') + '\n';
}
