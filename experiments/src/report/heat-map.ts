import type { LegendEntry } from './image-grid.ts';

export type Rgb = readonly [number, number, number];

/**
 * A 'hot' colour map at t ∈ [0, 1] (clamped) that stops at yellow (so the max stands out on the
 * white page): black → red → yellow, r = 2t, g = 2t − 1, b = 0, each clamped to [0, 1] and
 * scaled to 0..255 (rounded).
 */
export function hotColor(t: number): Rgb {
  const c = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  const u = Math.min(1, Math.max(0, t));
  return [c(2 * u), c(2 * u - 1), 0];
}

/**
 * A [H,W] map as an RGB heat-map [H·W·3] of `hotColor(v / max)` (black = 0, red = ½·max, yellow = max); a map
 * whose max is ≤ 0 (e.g. an empty background mask) is all black.
 */
export function heatMap(values: ArrayLike<number>, max: number): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  if (!(max > 0)) return out;
  for (let i = 0; i < values.length; i++) out.set(hotColor(values[i] / max), 3 * i);
  return out;
}

/** Colour key of `heatMap`: 0, ½·max and max of each panel. */
export const heatLegend = (): LegendEntry[] => [
  { rgb: hotColor(0), label: '0' },
  { rgb: hotColor(0.5), label: '½ · panel max' },
  { rgb: hotColor(1), label: 'panel max' },
];
