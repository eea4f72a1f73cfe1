import type { Rng } from '@kd/core';
import { Canvas } from './raster.ts';
import { STREET_ID as ID, type StreetScene } from './street-scene.ts';
import type { Rgb, Texture } from './textures.ts';

/**
 * The shared palette of the `objects` street style: every class draws its colour from these
 * eight hues, so no colour names a class (a car, a person, a sign and a wall can all be red).
 */
export const STREET_PALETTE: readonly Rgb[] = [
  [200, 60, 60],
  [60, 90, 190],
  [70, 150, 70],
  [210, 190, 60],
  [150, 150, 150],
  [90, 80, 70],
  [210, 210, 215],
  [150, 80, 170],
];

const dark: Rgb = [25, 25, 30];
const shade = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];
const flat =
  (c: Rgb): Texture =>
  () =>
    c;

/**
 * A street scene whose classes are told apart by shape, texture, position and context, not by
 * colour (`style: 'objects'` of the Cityscapes twin, issue 17). Every region and object takes a
 * random hue of `STREET_PALETTE` (brightness ±20 %); the cues are:
 * - stuff by texture and layout: sky a vertical gradient above the horizon, buildings a grid of
 *   dark windows, vegetation dotted blobs, terrain diagonal stripes, sidewalk square tiles, road a
 *   flat dark-tinted trapezoid with dashed centre marks;
 * - things by outline: car = low body + window band + two dark wheels; truck = tall box + short cab
 *   + wheels; bus = long body + a row of windows + wheels; person = narrow body + round head + legs;
 *   rider = a person above a bicycle (two ring wheels, labelled bicycle); wall = brick courses,
 *   fence = vertical slats; pole = thin bar with a sign (diamond or plate) or a light (three dots);
 * - co-occurrence: riders always ride bicycles and bicycles only appear under riders; signs and
 *   lights only on poles; vehicles only on the road, people only on the sidewalk; buses only in
 *   scenes with tall buildings ("downtown", half the scenes), trucks only in the others.
 * Ego strip (id 1), unlabeled (0) and static (4) pixels as in the classic style. Deterministic in `rng`.
 */
export function renderStreetSceneObjects(rng: Rng, width: number, height: number): StreetScene {
  const c = new Canvas(width, height, ID.unlabeled);
  const hue = (): Rgb => shade(rng.pick(STREET_PALETTE), rng.uniform(0.8, 1.2));
  const downtown = rng.chance(0.5);
  const horizon = height * rng.uniform(0.3, 0.45);

  const sky = hue();
  c.rect(0, 0, width, horizon + 1, ID.sky, (_x, y) => shade(sky, 0.7 + (0.5 * y) / horizon));
  for (let x = 0; x < width;) {
    const w = width * rng.uniform(0.08, 0.22);
    const top = horizon * (downtown ? rng.uniform(0.02, 0.35) : rng.uniform(0.45, 0.85));
    const wall = hue();
    const win = Math.max(3, Math.round(width / 32));
    c.rect(x, top, x + w, horizon + height * 0.08, ID.building, (px, py) =>
      (px - Math.floor(x)) % win === 1 && (py - Math.floor(top)) % win === 1 ? dark : wall,
    );
    if (rng.chance(0.3)) {
      const leaf = hue();
      c.ellipse(x + w / 2, horizon, w * 0.45, height * 0.12, ID.vegetation, (px, py) =>
        (px + 2 * py) % 3 === 0 ? shade(leaf, 0.45) : leaf,
      );
    }
    x += w;
  }
  const grass = hue();
  c.rect(0, horizon + height * 0.05, width, height, ID.terrain, (px, py) =>
    Math.floor((px + py) / 2) % 2 === 0 ? grass : shade(grass, 0.65),
  );
  const vx = width * rng.uniform(0.4, 0.6);
  const sideL = width * rng.uniform(0.0, 0.15),
    sideR = width * rng.uniform(0.85, 1.0);
  const tile = hue();
  const tileSize = Math.max(3, Math.round(width / 40));
  c.polygon(
    [
      [vx - width * 0.03, horizon + height * 0.04],
      [vx + width * 0.03, horizon + height * 0.04],
      [width + width * 0.2, height],
      [-width * 0.2, height],
    ],
    ID.sidewalk,
    (px, py) => (px % tileSize === 0 || py % tileSize === 0 ? shade(tile, 0.6) : tile),
  );
  const asphalt = shade(hue(), 0.55);
  c.polygon(
    [
      [vx - width * 0.02, horizon + height * 0.04],
      [vx + width * 0.02, horizon + height * 0.04],
      [sideR, height],
      [sideL, height],
    ],
    ID.road,
    (px, py) => {
      const centre = vx + ((sideL + sideR) / 2 - vx) * ((py - horizon) / (height - horizon));
      return Math.abs(px + 0.5 - centre) < 0.8 && Math.floor(py / 3) % 2 === 0 ? [230, 230, 230] : asphalt;
    },
  );
  if (rng.chance(0.6)) {
    const isWall = rng.chance(0.5),
      col = hue();
    c.rect(
      0,
      horizon + height * 0.01,
      width * rng.uniform(0.1, 0.3),
      horizon + height * 0.09,
      isWall ? ID.wall : ID.fence,
      (px, py) =>
        isWall
          ? py % 3 === 0 || (px + (Math.floor(py / 3) % 2) * 2) % 4 === 0
            ? shade(col, 0.6)
            : col
          : px % 3 === 0
            ? col
            : shade(col, 0.35),
    );
  }
  for (let i = 0, n = rng.int(1, 4); i < n; i++) {
    const x = rng.uniform(0.05, 0.95) * width,
      top = horizon * rng.uniform(0.4, 0.9),
      w = Math.max(1.5, width * 0.008);
    const bar = hue();
    c.rect(x, top, x + w, horizon + height * 0.15, ID.pole, flat(bar));
    const col = hue();
    if (rng.chance(0.6)) {
      const r = Math.max(2.5, width * 0.02);
      if (rng.chance(0.5))
        c.polygon(
          [
            [x + w / 2, top - r],
            [x + w / 2 + r, top],
            [x + w / 2, top + r],
            [x + w / 2 - r, top],
          ],
          ID.sign,
          flat(col),
        );
      else c.rect(x - r, top - r * 0.7, x + w + r, top + r * 0.7, ID.sign, (px) => (px % 2 ? col : shade(col, 0.8)));
    } else {
      const lh = Math.max(6, height * 0.09),
        lw = Math.max(3, w * 2.5);
      c.rect(x - lw / 2 + w / 2, top - lh / 2, x + lw / 2 + w / 2, top + lh / 2, ID.light, (_px, py) =>
        Math.floor(((py - top + lh / 2) * 3) / lh) % 2 === 0 ? shade(col, 1.25) : dark,
      );
    }
  }
  const kinds = downtown ? (['car', 'car', 'bus'] as const) : (['car', 'car', 'truck'] as const);
  const nVeh = rng.int(1, 6);
  for (let i = 0; i < nVeh; i++) {
    const depth = rng.uniform(0.15, 1);
    const y1 = horizon + height * 0.04 + (height * 0.85 - horizon) * depth;
    const s = 0.2 + 0.8 * depth;
    const kind = rng.pick(kinds);
    const col = hue();
    const [fw, fh] = kind === 'car' ? [0.14, 0.11] : kind === 'truck' ? [0.18, 0.24] : [0.3, 0.2];
    const w = width * fw * s,
      h = height * fh * s;
    const x0 = vx + rng.uniform(-0.5, 0.5) * (sideR - sideL) * depth - w / 2;
    const id = ID[kind];
    const wheel = Math.max(1, h * 0.18);
    if (kind === 'car') {
      c.rect(x0, y1 - h * 0.6, x0 + w, y1 - wheel * 0.6, id, flat(col));
      c.rect(x0 + w * 0.2, y1 - h, x0 + w * 0.8, y1 - h * 0.6, id, flat(shade(col, 0.5)));
    } else if (kind === 'truck') {
      c.rect(x0, y1 - h, x0 + w * 0.7, y1 - wheel * 0.6, id, flat(col));
      c.rect(x0 + w * 0.72, y1 - h * 0.55, x0 + w, y1 - wheel * 0.6, id, (px, py) => (py < y1 - h * 0.35 ? dark : col));
    } else {
      c.rect(x0, y1 - h, x0 + w, y1 - wheel * 0.6, id, (px, py) =>
        py > y1 - h * 0.8 && py < y1 - h * 0.5 && Math.floor((px - x0) / Math.max(2, w / 6)) % 2 === 0 ? dark : col,
      );
    }
    for (const wx of [x0 + w * 0.2, x0 + w * 0.8]) c.ellipse(wx, y1 - wheel, wheel, wheel, id, flat(dark));
  }
  for (let i = 0, n = rng.int(0, 6); i < n; i++) {
    const x = rng.chance(0.5) ? rng.uniform(0.02, 0.2) * width : rng.uniform(0.8, 0.98) * width;
    const y1 = horizon + height * rng.uniform(0.15, 0.45),
      h = height * rng.uniform(0.1, 0.22),
      w = Math.max(2, h * 0.35);
    const rider = rng.chance(0.35);
    const id = rider ? ID.rider : ID.person;
    const col = hue(),
      skin = hue();
    const base = rider ? y1 - h * 0.3 : y1;
    if (rider) {
      const r = h * 0.17;
      for (const bx of [x - w * 0.9, x + w * 0.9])
        c.fill(
          bx - r,
          y1 - 2 * r,
          bx + r,
          y1,
          (px, py) => {
            const d = Math.hypot(px - bx, py - (y1 - r));
            return d <= r && d >= r * 0.45;
          },
          ID.bicycle,
          flat(dark),
        );
      c.rect(x - w * 0.9, y1 - r * 1.1, x + w * 0.9, y1 - r * 0.8, ID.bicycle, flat(col));
    }
    c.rect(x - w / 2, base - h * 0.75, x + w / 2, base - h * 0.35, id, flat(col));
    if (!rider) {
      c.rect(x - w / 2, base - h * 0.35, x - w * 0.1, base, id, flat(shade(col, 0.5)));
      c.rect(x + w * 0.1, base - h * 0.35, x + w / 2, base, id, flat(shade(col, 0.5)));
    }
    c.ellipse(x, base - h * 0.86, w * 0.36, h * 0.11, id, flat(skin));
  }
  if (rng.chance(0.5))
    c.rect(rng.uniform(0, 0.9) * width, horizon, width, horizon + height * 0.02, ID.static, flat(hue()));
  c.rect(0, height * 0.93, width, height, ID.ego, flat(shade(hue(), 0.4)));
  c.rect(0, height - 1, width * 0.05, height, ID.unlabeled, flat(dark));
  c.grain(rng.fork('grain'), 6);
  return { rgb: c.rgb, labelIds: c.ids, width, height };
}
