import type { Rng } from '@kd/core';
import { SHAPE_KINDS, randomShape, type ShapeKind } from './shapes.ts';
import { Canvas } from './raster.ts';
import { hsv, randomTexture } from './textures.ts';
import { visibleObjects, type ObjectScene } from './object-scene.ts';

/** Hue families shared by several classes (red-orange, green, blue). */
const HUE_FAMILIES = [0.02, 0.33, 0.6] as const;

/**
 * The eight classes of the cluttered twin: each a (shape, hue family) pair, so neither the colour
 * nor the shape alone tells the class — classes 1, 4 and 7 share a hue, 1 and 7 share a shape.
 */
export const CLUTTERED_CLASSES: readonly { name: string; shape: ShapeKind; family: number }[] = [
  { name: 'ellipse-red', shape: 'ellipse', family: 0 },
  { name: 'rectangle-green', shape: 'rectangle', family: 1 },
  { name: 'triangle-blue', shape: 'triangle', family: 2 },
  { name: 'star-red', shape: 'star', family: 0 },
  { name: 'ring-green', shape: 'ring', family: 1 },
  { name: 'cross-blue', shape: 'cross', family: 2 },
  { name: 'ellipse-green', shape: 'ellipse', family: 1 },
  { name: 'rectangle-blue', shape: 'rectangle', family: 2 },
];

/**
 * A detection scene that is not colour-trivial (issue 18's quick setting): a textured background
 * with 0–3 unlabeled low-saturation distractor shapes, then 2–6 objects of the eight
 * CLUTTERED_CLASSES at radii 6–32 % of the short side (so objects span small to large and often
 * occlude one another). Each object's hue is its family's ± 0.04 with random saturation/value, so
 * classes sharing a family differ only in shape. Boxes and areas are the visible pixels; objects
 * hidden entirely are dropped. Deterministic in `rng`.
 */
export function renderClutteredObjectScene(rng: Rng, width: number, height: number): ObjectScene {
  const c = new Canvas(width, height, 0);
  const bg = randomTexture(
    rng,
    hsv(rng.next(), rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.7)),
    hsv(rng.next(), rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.7)),
  );
  c.rect(0, 0, width, height, 0, bg);
  const short = Math.min(width, height);
  for (let k = rng.int(0, 4); k > 0; k--) {
    const shape = randomShape(
      rng,
      SHAPE_KINDS[rng.int(0, SHAPE_KINDS.length)],
      rng.uniform(0, width),
      rng.uniform(0, height),
      short * rng.uniform(0.08, 0.25),
    );
    const tex = randomTexture(
      rng,
      hsv(rng.next(), rng.uniform(0.05, 0.25), rng.uniform(0.35, 0.75)),
      hsv(rng.next(), rng.uniform(0.05, 0.25), rng.uniform(0.3, 0.6)),
    );
    c.fill(0, 0, width, height, (x, y) => shape.contains(x, y), 0, tex);
  }
  const inst = new Uint8Array(width * height); // 0 = none, k + 1 = object k
  const classes: number[] = [];
  for (let k = 0, n = rng.int(2, 7); k < n; k++) {
    const cls = rng.int(1, CLUTTERED_CLASSES.length + 1);
    const def = CLUTTERED_CLASSES[cls - 1];
    const shape = randomShape(
      rng,
      def.shape,
      rng.uniform(0, width),
      rng.uniform(0, height),
      short * rng.uniform(0.06, 0.32),
    );
    const hue = (HUE_FAMILIES[def.family] + rng.uniform(-0.04, 0.04) + 1) % 1;
    const tex = randomTexture(
      rng,
      hsv(hue, rng.uniform(0.55, 1), rng.uniform(0.55, 1)),
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
