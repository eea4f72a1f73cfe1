import type { Rng } from '@kd/core';
import { Canvas, solid } from './raster.ts';
import type { Rgb } from './textures.ts';

/** Cityscapes label ids used by the street scenes (see seg/cityscapes-labels.ts). */
export const STREET_ID = {
  unlabeled: 0,
  ego: 1,
  static: 4,
  road: 7,
  sidewalk: 8,
  building: 11,
  wall: 12,
  fence: 13,
  pole: 17,
  light: 19,
  sign: 20,
  vegetation: 21,
  terrain: 22,
  sky: 23,
  person: 24,
  rider: 25,
  car: 26,
  truck: 27,
  bus: 28,
  bicycle: 33,
} as const;
const ID = STREET_ID;

/** Base colours close to the Cityscapes look (not its label palette). */
const COLOUR: Record<keyof typeof STREET_ID, Rgb> = {
  unlabeled: [20, 20, 20],
  ego: [40, 40, 48],
  static: [110, 100, 90],
  road: [96, 92, 98],
  sidewalk: [170, 150, 160],
  building: [120, 110, 100],
  wall: [150, 140, 120],
  fence: [140, 150, 140],
  pole: [80, 80, 80],
  light: [220, 170, 40],
  sign: [220, 220, 30],
  vegetation: [70, 120, 40],
  terrain: [140, 170, 100],
  sky: [120, 170, 220],
  person: [200, 60, 80],
  rider: [230, 40, 30],
  car: [40, 50, 140],
  truck: [30, 70, 90],
  bus: [40, 90, 120],
  bicycle: [150, 40, 60],
};

export interface StreetScene {
  /** [H, W, 3] RGB. */
  rgb: Uint8Array;
  /** [H, W] Cityscapes label ids (raw ids 0..33, as in `*_gtFine_labelIds.png`). */
  labelIds: Uint8Array;
  width: number;
  height: number;
}

/**
 * A street-like scene with Cityscapes label ids: sky above a horizon at 30–45 % of the height,
 * a row of buildings (some walls, fences, trees), a road trapezoid flanked by sidewalks and
 * terrain, poles with signs and lights, 1–5 cars/trucks/buses on the road, 0–4 people or riders
 * on the sidewalks, an ego-vehicle strip at the bottom (ignored id 1) and a few unlabeled (0)
 * and static (4) pixels. Deterministic in `rng`.
 */
export function renderStreetScene(rng: Rng, width: number, height: number): StreetScene {
  const c = new Canvas(width, height, ID.unlabeled);
  const shade = (k: keyof typeof ID) => solid(COLOUR[k], rng.uniform(-25, 25));
  const horizon = height * rng.uniform(0.3, 0.45);
  c.rect(0, 0, width, horizon + 1, ID.sky, shade('sky'));
  for (let x = 0; x < width;) {
    const w = width * rng.uniform(0.08, 0.22);
    const top = horizon * rng.uniform(0.05, 0.8);
    c.rect(x, top, x + w, horizon + height * 0.08, ID.building, shade('building'));
    if (rng.chance(0.3)) c.ellipse(x + w / 2, horizon, w * 0.4, height * 0.1, ID.vegetation, shade('vegetation'));
    x += w;
  }
  c.rect(0, horizon + height * 0.05, width, height, ID.terrain, shade('terrain'));
  const vx = width * rng.uniform(0.4, 0.6);
  const sideL = width * rng.uniform(0.0, 0.15),
    sideR = width * rng.uniform(0.85, 1.0);
  c.polygon(
    [
      [vx - width * 0.03, horizon + height * 0.04],
      [vx + width * 0.03, horizon + height * 0.04],
      [width + width * 0.2, height],
      [-width * 0.2, height],
    ],
    ID.sidewalk,
    shade('sidewalk'),
  );
  c.polygon(
    [
      [vx - width * 0.02, horizon + height * 0.04],
      [vx + width * 0.02, horizon + height * 0.04],
      [sideR, height],
      [sideL, height],
    ],
    ID.road,
    shade('road'),
  );
  if (rng.chance(0.5))
    c.rect(
      0,
      horizon + height * 0.02,
      width * rng.uniform(0.1, 0.3),
      horizon + height * 0.08,
      rng.chance(0.5) ? ID.wall : ID.fence,
      shade(rng.chance(0.5) ? 'wall' : 'fence'),
    );
  for (let i = 0, n = rng.int(1, 4); i < n; i++) {
    const x = rng.uniform(0.05, 0.95) * width,
      top = horizon * rng.uniform(0.4, 0.9),
      w = Math.max(2, width * 0.006);
    c.rect(x, top, x + w, horizon + height * 0.15, ID.pole, shade('pole'));
    if (rng.chance(0.6)) c.rect(x - w * 2, top, x + w * 3, top + height * 0.04, ID.sign, shade('sign'));
    else c.rect(x - w, top, x + w * 2, top + height * 0.06, ID.light, shade('light'));
  }
  const vehicles = ['car', 'car', 'car', 'truck', 'bus'] as const;
  const nVeh = rng.int(1, 6);
  for (let i = 0; i < nVeh; i++) {
    const depth = rng.uniform(0.1, 1); // 0 far, 1 near
    const y1 = horizon + height * 0.04 + (height * 0.85 - horizon) * depth;
    const s = 0.15 + 0.85 * depth;
    const kind = rng.pick(vehicles);
    const w = width * (kind === 'car' ? 0.12 : 0.2) * s,
      h = height * (kind === 'car' ? 0.12 : 0.22) * s;
    const x0 = vx + rng.uniform(-0.5, 0.5) * (sideR - sideL) * depth - w / 2;
    c.rect(x0, y1 - h, x0 + w, y1, ID[kind], shade(kind));
    c.rect(x0 + w * 0.15, y1 - h * 0.9, x0 + w * 0.85, y1 - h * 0.55, ID[kind], solid([30, 35, 45]));
  }
  for (let i = 0, n = rng.int(0, 5); i < n; i++) {
    const x = rng.chance(0.5) ? rng.uniform(0, 0.2) * width : rng.uniform(0.8, 1) * width;
    const y1 = horizon + height * rng.uniform(0.15, 0.45),
      h = height * rng.uniform(0.08, 0.2),
      w = h * 0.35;
    const rider = rng.chance(0.25);
    if (rider) c.ellipse(x, y1 - h * 0.15, w, h * 0.15, ID.bicycle, shade('bicycle'));
    c.rect(x - w / 2, y1 - h, x + w / 2, y1 - h * 0.2, rider ? ID.rider : ID.person, shade(rider ? 'rider' : 'person'));
    c.ellipse(x, y1 - h * 1.05, w * 0.35, w * 0.35, rider ? ID.rider : ID.person, solid([220, 180, 150]));
  }
  if (rng.chance(0.5))
    c.rect(rng.uniform(0, 0.9) * width, horizon, width, horizon + height * 0.02, ID.static, shade('static'));
  c.polygon(
    [
      [0, height * 0.93],
      [width, height * 0.93],
      [width, height],
      [0, height],
    ],
    ID.ego,
    shade('ego'),
  );
  c.rect(0, height - 1, width * 0.05, height, ID.unlabeled, shade('unlabeled'));
  c.grain(rng.fork('grain'), 6);
  return { rgb: c.rgb, labelIds: c.ids, width, height };
}
