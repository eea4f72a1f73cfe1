import type { Rng } from '@kd/core';
import { SHAPE_KINDS, randomShape, type Shape } from './shapes.ts';
import { hsv, randomTexture, type Rgb, type Texture } from './textures.ts';

export interface SodScene {
  /** RGB, row-major, 3 bytes per pixel. */
  rgb: Uint8Array;
  /** Saliency mask 0..255 (anti-aliased at the edges: 2×2 supersampled coverage). */
  mask: Uint8Array;
  width: number;
  height: number;
}

interface Layer {
  shape: Shape;
  texture: Texture;
  alpha: number;
  salient: boolean;
}

/**
 * One synthetic salient-object scene. Background: a two-colour gradient with value noise and
 * 6–14 small clutter shapes. Distractors: 1–3 shapes near the background's hue and value (low
 * contrast), some as large as the object. Decoys: 1–3 small shapes as saturated and hue-distant as
 * the object (not salient: it is the dominant one). Salient objects: one (30 %: two) shapes of varied kind,
 * size (12–40 % of the short side as radius) and position, textured in a hue far from the
 * background. The mask is the union of the salient objects minus anything drawn over them.
 */
export function renderSodScene(rng: Rng, width: number, height: number): SodScene {
  const short = Math.min(width, height);
  const bgHue = rng.next();
  const bgA = hsv(bgHue, rng.uniform(0.2, 0.6), rng.uniform(0.35, 0.8));
  const bgB = hsv((bgHue + rng.uniform(-0.12, 0.12) + 1) % 1, rng.uniform(0.2, 0.6), rng.uniform(0.35, 0.8));
  const gTheta = rng.uniform(0, 2 * Math.PI);
  const noise = valueNoise(rng, width, height, rng.uniform(8, 24));
  const grain = rng.uniform(6, 18);

  const layers: Layer[] = [];
  const nClutter = rng.int(6, 15);
  for (let i = 0; i < nClutter; i++) {
    const c = hsv(rng.next(), rng.uniform(0.1, 0.5), rng.uniform(0.3, 0.85));
    layers.push({
      shape: randomShape(
        rng,
        rng.pick(SHAPE_KINDS),
        rng.uniform(0, width),
        rng.uniform(0, height),
        short * rng.uniform(0.03, 0.09),
      ),
      texture: randomTexture(rng, c, bgA),
      alpha: rng.uniform(0.4, 0.9),
      salient: false,
    });
  }
  const nDistract = rng.int(1, 4);
  for (let i = 0; i < nDistract; i++) {
    const c = hsv((bgHue + rng.uniform(-0.08, 0.08) + 1) % 1, rng.uniform(0.25, 0.6), rng.uniform(0.3, 0.85));
    layers.push({
      shape: randomShape(
        rng,
        rng.pick(SHAPE_KINDS),
        rng.uniform(0.1, 0.9) * width,
        rng.uniform(0.1, 0.9) * height,
        short * rng.uniform(0.08, 0.3),
      ),
      texture: randomTexture(rng, c, bgB),
      alpha: rng.uniform(0.6, 1),
      salient: false,
    });
  }
  const nObj = rng.chance(0.3) ? 2 : 1;
  for (let i = 0; i < nObj; i++) {
    const hue = (bgHue + rng.uniform(0.3, 0.7)) % 1;
    const a = hsv(hue, rng.uniform(0.55, 1), rng.uniform(0.6, 1));
    const b = hsv((hue + rng.uniform(0.05, 0.2)) % 1, rng.uniform(0.4, 1), rng.uniform(0.3, 0.9));
    const r = short * rng.uniform(0.12, nObj === 2 ? 0.28 : 0.4);
    layers.push({
      shape: randomShape(
        rng,
        rng.pick(SHAPE_KINDS),
        rng.uniform(r * 0.6, width - r * 0.6),
        rng.uniform(r * 0.6, height - r * 0.6),
        r,
      ),
      texture: randomTexture(rng, a, b),
      alpha: 1,
      salient: true,
    });
  }
  // Decoys: saturated, hue far from the background like the object, but small — not salient.
  // Telling them from the object needs its size relative to everything else (global context),
  // which is what separates a large network from a small one here.
  for (let i = 0, n = rng.int(1, 4); i < n; i++) {
    const hue = (bgHue + rng.uniform(0.3, 0.7)) % 1;
    const a = hsv(hue, rng.uniform(0.55, 1), rng.uniform(0.6, 1));
    layers.push({
      shape: randomShape(
        rng,
        rng.pick(SHAPE_KINDS),
        rng.uniform(0, width),
        rng.uniform(0, height),
        short * rng.uniform(0.04, 0.09),
      ),
      texture: randomTexture(rng, a, hsv((hue + 0.1) % 1, 0.8, 0.5)),
      alpha: 1,
      salient: false,
    });
  }
  // A few clutter shapes on top of everything (occluders).
  for (let i = 0, n = rng.int(0, 3); i < n; i++) {
    const c = hsv(rng.next(), rng.uniform(0.1, 0.4), rng.uniform(0.3, 0.8));
    layers.push({
      shape: randomShape(
        rng,
        rng.pick(SHAPE_KINDS),
        rng.uniform(0, width),
        rng.uniform(0, height),
        short * rng.uniform(0.02, 0.05),
      ),
      texture: randomTexture(rng, c, c),
      alpha: 1,
      salient: false,
    });
  }

  const rgb = new Uint8Array(width * height * 3);
  const mask = new Uint8Array(width * height);
  const sub = [
    [0.25, 0.25],
    [0.75, 0.25],
    [0.25, 0.75],
    [0.75, 0.75],
  ];
  const grainRng = rng.fork('grain');
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = 0.5 + 0.5 * (Math.cos(gTheta) * (x / width - 0.5) + Math.sin(gTheta) * (y / height - 0.5));
      const n = noise[y * width + x];
      let col: Rgb = [
        bgA[0] + (bgB[0] - bgA[0]) * t + n,
        bgA[1] + (bgB[1] - bgA[1]) * t + n,
        bgA[2] + (bgB[2] - bgA[2]) * t + n,
      ];
      let cover = 0;
      for (const [ox, oy] of sub) {
        let sal = false;
        for (const l of layers)
          if (l.shape.contains(x + ox, y + oy)) sal = l.salient ? true : l.alpha >= 0.95 ? false : sal;
        if (sal) cover++;
      }
      for (const l of layers) {
        if (!l.shape.contains(x + 0.5, y + 0.5)) continue;
        const c = l.texture(x, y);
        col = [
          col[0] + (c[0] - col[0]) * l.alpha,
          col[1] + (c[1] - col[1]) * l.alpha,
          col[2] + (c[2] - col[2]) * l.alpha,
        ];
      }
      const g = grainRng.normal(0, grain);
      const i = y * width + x;
      rgb[3 * i] = clamp(col[0] + g);
      rgb[3 * i + 1] = clamp(col[1] + g);
      rgb[3 * i + 2] = clamp(col[2] + g);
      mask[i] = Math.round((cover / 4) * 255);
    }
  }
  return { rgb, mask, width, height };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Smooth value noise (bilinear over a random grid of cell size `cell`), amplitude ±20. */
function valueNoise(rng: Rng, width: number, height: number, cell: number): Float32Array {
  const gw = Math.ceil(width / cell) + 2,
    gh = Math.ceil(height / cell) + 2;
  const grid = rng.fillUniform(new Float32Array(gw * gh), -20, 20);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell,
      y0 = Math.floor(gy),
      fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = x / cell,
        x0 = Math.floor(gx),
        fx = gx - x0;
      const a = grid[y0 * gw + x0],
        b = grid[y0 * gw + x0 + 1],
        c = grid[(y0 + 1) * gw + x0],
        d = grid[(y0 + 1) * gw + x0 + 1];
      out[y * width + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
  }
  return out;
}
