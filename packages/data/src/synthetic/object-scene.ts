import type { Rng } from '@kd/core';
import { SHAPE_KINDS, randomShape } from './shapes.ts';
import { Canvas } from './raster.ts';
import { hsv, randomTexture } from './textures.ts';

/** One painted object: its class (1-based; 0 is background) and its visible pixel box. */
export interface SceneObject {
  cls: number;
  /** Tight box of the visible pixels, pixel-edge coordinates: x2 = last column + 1. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Visible pixels after occlusion. */
  area: number;
  /** Touches the image border. */
  truncated: boolean;
}

export interface ObjectScene {
  /** [H, W, 3] RGB. */
  rgb: Uint8Array;
  /** [H, W] class per pixel, 0 = background, 1..numClasses. No void band (see `addVoidBand`). */
  classes: Uint8Array;
  objects: SceneObject[];
  width: number;
  height: number;
}

/**
 * A VOC/COCO-like scene: a textured background and 1–4 objects of random classes in
 * 1..numClasses. Each class has its own hue and shape kind, so the task is learnable. Objects
 * may overlap; boxes and areas are computed from the visible pixels. Objects hidden entirely
 * are dropped. Deterministic in `rng`.
 */
export function renderObjectScene(rng: Rng, width: number, height: number, numClasses: number): ObjectScene {
  const c = new Canvas(width, height, 0);
  const bg = randomTexture(
    rng,
    hsv(rng.next(), rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.7)),
    hsv(rng.next(), rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.7)),
  );
  c.rect(0, 0, width, height, 0, bg);
  const short = Math.min(width, height);
  const n = rng.int(1, 5);
  const inst = new Uint8Array(width * height); // 0 = none, k + 1 = object k
  const classes: number[] = [];
  for (let k = 0; k < n; k++) {
    const cls = rng.int(1, numClasses + 1);
    const r = short * rng.uniform(0.1, 0.3);
    const shape = randomShape(
      rng,
      SHAPE_KINDS[cls % SHAPE_KINDS.length],
      rng.uniform(0, width),
      rng.uniform(0, height),
      r,
    );
    const hue = (cls * 0.618034) % 1;
    const tex = randomTexture(
      rng,
      hsv(hue, rng.uniform(0.6, 1), rng.uniform(0.6, 1)),
      hsv(hue, rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.6)),
    );
    c.fill(0, 0, width, height, (x, y) => shape.contains(x, y), cls, tex);
    for (let i = 0; i < inst.length; i++)
      if (shape.contains((i % width) + 0.5, Math.floor(i / width) + 0.5)) inst[i] = k + 1;
    classes.push(cls);
  }
  c.grain(rng.fork('grain'), 5);
  return { rgb: c.rgb, classes: c.ids, objects: visibleObjects(inst, classes, width, height), width, height };
}

/**
 * The visible part of each painted object: `inst` [H·W] holds k + 1 where object k is on top,
 * `classes[k]` its class. Boxes are tight pixel-edge boxes of the visible pixels; objects hidden
 * entirely are dropped.
 */
export function visibleObjects(
  inst: Uint8Array,
  classes: readonly number[],
  width: number,
  height: number,
): SceneObject[] {
  const objects: SceneObject[] = [];
  classes.forEach((cls, k) => {
    let x1 = width,
      y1 = height,
      x2 = 0,
      y2 = 0,
      area = 0;
    for (let i = 0; i < inst.length; i++) {
      if (inst[i] !== k + 1) continue;
      const x = i % width,
        y = Math.floor(i / width);
      area++;
      if (x < x1) x1 = x;
      if (y < y1) y1 = y;
      if (x + 1 > x2) x2 = x + 1;
      if (y + 1 > y2) y2 = y + 1;
    }
    if (area > 0)
      objects.push({ cls, x1, y1, x2, y2, area, truncated: x1 === 0 || y1 === 0 || x2 === width || y2 === height });
  });
  return objects;
}

/**
 * VOC marks object outlines as void: every pixel whose 3×3 neighbourhood (radius `r`) holds
 * a different class becomes `voidValue`. Returns a new map.
 */
export function addVoidBand(classes: Uint8Array, width: number, height: number, voidValue = 255, r = 1): Uint8Array {
  const out = classes.slice();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = classes[y * width + x];
      search: for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          if (classes[yy * width + xx] !== v) {
            out[y * width + x] = voidValue;
            break search;
          }
        }
      }
    }
  }
  return out;
}
