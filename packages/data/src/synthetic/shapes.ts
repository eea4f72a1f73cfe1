import type { Rng } from '@kd/core';

/** A filled 2-D shape in pixel coordinates: `contains(x, y)` for a point. */
export interface Shape {
  kind: string;
  contains(x: number, y: number): boolean;
}

export const SHAPE_KINDS = ['ellipse', 'rectangle', 'triangle', 'star', 'ring', 'cross'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/**
 * A random shape of `kind` centred at (cx, cy) with radius ≈ r, randomly rotated and stretched.
 * Every shape maps the point into its own frame (rotation θ, aspect a) and tests there.
 */
export function randomShape(rng: Rng, kind: ShapeKind, cx: number, cy: number, r: number): Shape {
  const theta = rng.uniform(0, Math.PI);
  const aspect = rng.uniform(0.55, 1.0);
  const cos = Math.cos(theta),
    sin = Math.sin(theta);
  const local = (x: number, y: number): [number, number] => {
    const dx = x - cx,
      dy = y - cy;
    return [(dx * cos + dy * sin) / r, (-dx * sin + dy * cos) / (r * aspect)];
  };
  switch (kind) {
    case 'ellipse':
      return {
        kind,
        contains: (x, y) => {
          const [u, v] = local(x, y);
          return u * u + v * v <= 1;
        },
      };
    case 'rectangle':
      return {
        kind,
        contains: (x, y) => {
          const [u, v] = local(x, y);
          return Math.abs(u) <= 0.9 && Math.abs(v) <= 0.9;
        },
      };
    case 'triangle':
      return {
        kind,
        contains: (x, y) => {
          const [u, v] = local(x, y);
          return v <= 0.8 && v >= -1 + Math.abs(u) * 1.9 - 0.1 && Math.abs(u) <= 1;
        },
      };
    case 'star': {
      const points = rng.int(5, 8),
        inner = rng.uniform(0.4, 0.6);
      return {
        kind,
        contains: (x, y) => {
          const [u, v] = local(x, y);
          const rho = Math.hypot(u, v);
          const phi = Math.atan2(v, u);
          const t = Math.abs(((phi * points) / (2 * Math.PI)) % 1);
          const edge = inner + (1 - inner) * Math.abs(1 - 2 * t);
          return rho <= edge;
        },
      };
    }
    case 'ring': {
      const hole = rng.uniform(0.35, 0.6);
      return {
        kind,
        contains: (x, y) => {
          const [u, v] = local(x, y);
          const q = u * u + v * v;
          return q <= 1 && q >= hole * hole;
        },
      };
    }
    case 'cross': {
      const arm = rng.uniform(0.3, 0.45);
      return {
        kind,
        contains: (x, y) => {
          const [u, v] = local(x, y);
          return (Math.abs(u) <= 1 && Math.abs(v) <= arm) || (Math.abs(v) <= 1 && Math.abs(u) <= arm);
        },
      };
    }
  }
}
