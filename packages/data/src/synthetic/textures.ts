import type { Rng } from '@kd/core';

export type Rgb = [number, number, number];

/** A colour function over pixel coordinates. */
export type Texture = (x: number, y: number) => Rgb;

export const TEXTURE_KINDS = ['solid', 'stripes', 'checker', 'dots', 'gradient'] as const;

/** HSV (h in [0,1)) to RGB 0..255. */
export function hsv(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6),
    f = h * 6 - i;
  const p = v * (1 - s),
    q = v * (1 - f * s),
    t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][((i % 6) + 6) % 6];
  return [r * 255, g * 255, b * 255];
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

/** A random texture built from two colours `a` and `b`. */
export function randomTexture(rng: Rng, a: Rgb, b: Rgb): Texture {
  const kind = rng.pick(TEXTURE_KINDS);
  const period = rng.uniform(4, 12);
  const theta = rng.uniform(0, Math.PI);
  const c = Math.cos(theta),
    s = Math.sin(theta);
  switch (kind) {
    case 'solid':
      return () => a;
    case 'stripes':
      return (x, y) => (Math.floor((x * c + y * s) / period) % 2 === 0 ? a : mix(a, b, 0.6));
    case 'checker':
      return (x, y) => ((Math.floor(x / period) + Math.floor(y / period)) % 2 === 0 ? a : mix(a, b, 0.5));
    case 'dots':
      return (x, y) => {
        const u = (((x % period) + period) % period) - period / 2,
          v = (((y % period) + period) % period) - period / 2;
        return u * u + v * v < (period * period) / 9 ? mix(a, b, 0.7) : a;
      };
    case 'gradient':
      return (x, y) => mix(a, b, 0.5 + 0.5 * Math.sin((x * c + y * s) / (period * 3)));
  }
}
