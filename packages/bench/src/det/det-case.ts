import { DataError, type Box } from '@kd/core';

export type Id = string | number;

export interface GtObject {
  image_id: Id;
  class: Id;
  bbox: Box;
  /** VOC: ignored (neither TP nor FP, not counted in recall). COCO ignores this flag. */
  difficult?: boolean;
  /** COCO crowd region: matched by any number of detections, never counted. VOC ignores it. */
  iscrowd?: boolean;
  /** COCO area for the small/medium/large ranges; default (x2 − x1)·(y2 − y1). */
  area?: number;
}

export interface Detection {
  image_id: Id;
  class: Id;
  score: number;
  bbox: Box;
}

/**
 * One detection evaluation case (the `eval det` JSON). `images` and `classes` are optional:
 * without them, the images are those named by any gt or detection, and the classes those named
 * by any gt or detection (sorted: numbers ascending before strings in code-point order). With
 * them, a gt or detection naming another image/class is an error.
 */
export interface DetCase {
  images: Id[];
  classes: Id[];
  gt: GtObject[];
  dets: Detection[];
}

/** Sort order for ids (pycocotools sorts image and category ids). */
export function compareIds(a: Id, b: Id): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Validates a parsed JSON value as a DetCase; errors name `file` and the offending entry. */
export function parseDetCase(json: unknown, file = 'detection case'): DetCase {
  const fail = (msg: string): never => {
    throw new DataError(msg, file);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail('expected a JSON object with "gt" and "dets" arrays');
  const o = json as Record<string, unknown>;
  if (!Array.isArray(o.gt)) fail('"gt" must be an array');
  if (!Array.isArray(o.dets)) fail('"dets" must be an array');
  const id = (v: unknown, where: string): Id =>
    typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
      ? v
      : fail(`${where}: expected a string or number, got ${JSON.stringify(v)}`);
  const box = (v: unknown, where: string): Box => {
    if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return fail(`${where}.bbox: expected [x1, y1, x2, y2] (4 finite numbers), got ${JSON.stringify(v)}`);
    }
    if (v[2] < v[0] || v[3] < v[1])
      return fail(`${where}.bbox: expected x2 >= x1 and y2 >= y1, got ${JSON.stringify(v)}`);
    return [v[0], v[1], v[2], v[3]];
  };
  const flag = (v: unknown, where: string): boolean =>
    v === undefined || v === null
      ? false
      : typeof v === 'boolean' || v === 0 || v === 1
        ? Boolean(v)
        : fail(`${where}: expected a boolean or 0/1, got ${JSON.stringify(v)}`);
  const gt: GtObject[] = (o.gt as unknown[]).map((e, i) => {
    const w = `gt[${i}]`;
    if (typeof e !== 'object' || e === null) return fail(`${w}: expected an object`);
    const r = e as Record<string, unknown>;
    const g: GtObject = {
      image_id: id(r.image_id, `${w}.image_id`),
      class: id(r.class, `${w}.class`),
      bbox: box(r.bbox, w),
      difficult: flag(r.difficult, `${w}.difficult`),
      iscrowd: flag(r.iscrowd, `${w}.iscrowd`),
    };
    if (r.area !== undefined)
      g.area =
        typeof r.area === 'number' && Number.isFinite(r.area) && r.area >= 0
          ? r.area
          : fail(`${w}.area: expected a number >= 0, got ${JSON.stringify(r.area)}`);
    return g;
  });
  const dets: Detection[] = (o.dets as unknown[]).map((e, i) => {
    const w = `dets[${i}]`;
    if (typeof e !== 'object' || e === null) return fail(`${w}: expected an object`);
    const r = e as Record<string, unknown>;
    const score =
      typeof r.score === 'number' && Number.isFinite(r.score)
        ? r.score
        : fail(`${w}.score: expected a finite number, got ${JSON.stringify(r.score)}`);
    return { image_id: id(r.image_id, `${w}.image_id`), class: id(r.class, `${w}.class`), score, bbox: box(r.bbox, w) };
  });
  const collect = (key: 'images' | 'classes', pick: (x: GtObject | Detection) => Id): Id[] => {
    const seen = new Map<string, Id>();
    for (const x of [...gt, ...dets]) seen.set(keyOf(pick(x)), pick(x));
    if (o[key] === undefined) return [...seen.values()].sort(compareIds);
    if (!Array.isArray(o[key])) return fail(`"${key}" must be an array`);
    const listed = (o[key] as unknown[]).map((v, i) => id(v, `${key}[${i}]`));
    const known = new Set(listed.map(keyOf));
    for (const [k, v] of seen)
      if (!known.has(k))
        fail(
          `${key === 'images' ? 'image' : 'class'} ${JSON.stringify(v)} is used by a gt or detection but not listed in "${key}"`,
        );
    return listed;
  };
  return { images: collect('images', (x) => x.image_id), classes: collect('classes', (x) => x.class), gt, dets };
}

/** Map key for an id: numbers and strings with the same text are distinct. */
export function keyOf(v: Id): string {
  return `${typeof v === 'number' ? 'n' : 's'}:${v}`;
}
