import { IGNORE_LABEL, type DetObject, type Sample } from '../dataset/types.ts';

/**
 * Exact geometric edits of a sample. Image [H, W, 3], mask/label [H, W] and boxes always move
 * together. Boxes are pixel-edge coordinates (column i spans [i, i+1)), so a horizontal flip of
 * a W-wide image maps x1 → W − x2 and x2 → W − x1 with no off-by-one.
 */

/** Copies the window [x0, x0 + w) × [y0, y0 + h) of a [H, W, C] plane (the window must lie inside). */
export function cropPlane(
  src: Uint8Array,
  width: number,
  channels: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
): Uint8Array {
  const out = new Uint8Array(w * h * channels);
  const row = w * channels;
  for (let y = 0; y < h; y++) {
    const s = ((y0 + y) * width + x0) * channels;
    out.set(src.subarray(s, s + row), y * row);
  }
  return out;
}

/**
 * Crops a sample to [x0, x0 + w) × [y0, y0 + h), which must lie inside the image. Boxes are
 * shifted and clipped to the window; boxes left with zero width or height are dropped.
 */
export function cropSample(s: Sample, x0: number, y0: number, w: number, h: number): Sample {
  if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0 || x0 + w > s.width || y0 + h > s.height) {
    throw new Error(
      `cropSample: window (${x0}, ${y0}, ${w}×${h}) is not inside the ${s.width}×${s.height} image of '${s.name}'`,
    );
  }
  const out: Sample = { name: s.name, width: w, height: h, image: cropPlane(s.image, s.width, 3, x0, y0, w, h) };
  if (s.mask) out.mask = cropPlane(s.mask, s.width, 1, x0, y0, w, h);
  if (s.label) out.label = cropPlane(s.label, s.width, 1, x0, y0, w, h);
  if (s.objects)
    out.objects = clipObjects(
      s.objects.map((o) => ({ ...o, x1: o.x1 - x0, x2: o.x2 - x0, y1: o.y1 - y0, y2: o.y2 - y0 })),
      w,
      h,
    );
  return out;
}

/** Clips boxes to [0, w] × [0, h] and drops the ones with no area left. */
export function clipObjects(objects: readonly DetObject[], w: number, h: number): DetObject[] {
  return objects
    .map((o) => ({ ...o, x1: Math.max(0, o.x1), y1: Math.max(0, o.y1), x2: Math.min(w, o.x2), y2: Math.min(h, o.y2) }))
    .filter((o) => o.x2 > o.x1 && o.y2 > o.y1);
}

export interface PadFill {
  /** RGB fill of new image pixels (default 0, 0, 0). */
  image?: readonly [number, number, number];
  /** New mask pixels (default 0 = background). */
  mask?: number;
  /** New label pixels (default 255 = ignore). */
  label?: number;
}

/** Pads a sample by the given pixel counts on each side; boxes shift by (left, top). */
export function padSample(
  s: Sample,
  top: number,
  right: number,
  bottom: number,
  left: number,
  fill: PadFill = {},
): Sample {
  if (top === 0 && right === 0 && bottom === 0 && left === 0) return s;
  const w = s.width + left + right,
    h = s.height + top + bottom;
  const plane = (src: Uint8Array, c: number, value: readonly number[]) => {
    const out = new Uint8Array(w * h * c);
    for (let i = 0; i < w * h; i++) for (let k = 0; k < c; k++) out[i * c + k] = value[k];
    for (let y = 0; y < s.height; y++)
      out.set(src.subarray(y * s.width * c, (y + 1) * s.width * c), ((y + top) * w + left) * c);
    return out;
  };
  const out: Sample = { name: s.name, width: w, height: h, image: plane(s.image, 3, fill.image ?? [0, 0, 0]) };
  if (s.mask) out.mask = plane(s.mask, 1, [fill.mask ?? 0]);
  if (s.label) out.label = plane(s.label, 1, [fill.label ?? IGNORE_LABEL]);
  if (s.objects)
    out.objects = s.objects.map((o) => ({ ...o, x1: o.x1 + left, x2: o.x2 + left, y1: o.y1 + top, y2: o.y2 + top }));
  return out;
}

function flipPlane(src: Uint8Array, width: number, height: number, channels: number, horizontal: boolean): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let y = 0; y < height; y++) {
    const sy = horizontal ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const sx = horizontal ? width - 1 - x : x;
      const d = (y * width + x) * channels,
        s = (sy * width + sx) * channels;
      for (let k = 0; k < channels; k++) out[d + k] = src[s + k];
    }
  }
  return out;
}

/** Mirrors left–right. */
export function flipHorizontal(s: Sample): Sample {
  const out: Sample = { ...s, image: flipPlane(s.image, s.width, s.height, 3, true) };
  if (s.mask) out.mask = flipPlane(s.mask, s.width, s.height, 1, true);
  if (s.label) out.label = flipPlane(s.label, s.width, s.height, 1, true);
  if (s.objects) out.objects = s.objects.map((o) => ({ ...o, x1: s.width - o.x2, x2: s.width - o.x1 }));
  return out;
}

/** Mirrors top–bottom. */
export function flipVertical(s: Sample): Sample {
  const out: Sample = { ...s, image: flipPlane(s.image, s.width, s.height, 3, false) };
  if (s.mask) out.mask = flipPlane(s.mask, s.width, s.height, 1, false);
  if (s.label) out.label = flipPlane(s.label, s.width, s.height, 1, false);
  if (s.objects) out.objects = s.objects.map((o) => ({ ...o, y1: s.height - o.y2, y2: s.height - o.y1 }));
  return out;
}
