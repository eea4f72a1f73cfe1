import type { Rng } from '@kd/core';
import type { Rgb } from './textures.ts';

/**
 * A label-aware painter for synthetic scenes: every fill writes both the colour ([H, W, 3]
 * `rgb`) and the id ([H, W] `ids`) of the pixels it covers, so labels are exact by construction.
 * Pixel (x, y) is covered when its centre (x + ½, y + ½) is inside the region.
 */
export class Canvas {
  readonly rgb: Uint8Array;
  readonly ids: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    fillId = 0,
  ) {
    this.rgb = new Uint8Array(width * height * 3);
    this.ids = new Uint8Array(width * height).fill(fillId);
  }

  /** Paints the pixels whose centres satisfy `inside`, scanning only the box [x0, x1) × [y0, y1). */
  fill(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    inside: (x: number, y: number) => boolean,
    id: number,
    colour: (x: number, y: number) => Rgb,
  ): void {
    const xa = Math.max(0, Math.floor(x0)),
      xb = Math.min(this.width, Math.ceil(x1));
    const ya = Math.max(0, Math.floor(y0)),
      yb = Math.min(this.height, Math.ceil(y1));
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        if (!inside(x + 0.5, y + 0.5)) continue;
        const i = y * this.width + x;
        const c = colour(x, y);
        this.rgb[3 * i] = clamp255(c[0]);
        this.rgb[3 * i + 1] = clamp255(c[1]);
        this.rgb[3 * i + 2] = clamp255(c[2]);
        this.ids[i] = id;
      }
    }
  }

  rect(x0: number, y0: number, x1: number, y1: number, id: number, colour: (x: number, y: number) => Rgb): void {
    this.fill(x0, y0, x1, y1, (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1, id, colour);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, id: number, colour: (x: number, y: number) => Rgb): void {
    this.fill(
      cx - rx,
      cy - ry,
      cx + rx,
      cy + ry,
      (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1,
      id,
      colour,
    );
  }

  /** A convex polygon given clockwise or counter-clockwise. */
  polygon(points: readonly [number, number][], id: number, colour: (x: number, y: number) => Rgb): void {
    const xs = points.map((p) => p[0]),
      ys = points.map((p) => p[1]);
    const inside = (x: number, y: number) => {
      let sign = 0;
      for (let k = 0; k < points.length; k++) {
        const [ax, ay] = points[k],
          [bx, by] = points[(k + 1) % points.length];
        const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
        if (cross !== 0) {
          if (sign === 0) sign = Math.sign(cross);
          else if (Math.sign(cross) !== sign) return false;
        }
      }
      return true;
    };
    this.fill(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), inside, id, colour);
  }

  /** Adds Gaussian grain of standard deviation `std` to every colour channel (labels untouched). */
  grain(rng: Rng, std: number): void {
    for (let i = 0; i < this.width * this.height; i++) {
      const g = rng.normal(0, std);
      for (let c = 0; c < 3; c++) this.rgb[3 * i + c] = clamp255(this.rgb[3 * i + c] + g);
    }
  }
}

export const clamp255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** A flat colour with a per-object brightness shift. */
export const solid =
  (c: Rgb, shift = 0) =>
  (): Rgb => [c[0] + shift, c[1] + shift, c[2] + shift];
