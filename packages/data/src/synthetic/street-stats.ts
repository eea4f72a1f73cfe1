import { LABEL_ID_TO_TRAIN_ID } from '../seg/cityscapes-labels.ts';
import type { StreetScene } from './street-scene.ts';

/** Train ids of the "thing" classes of the street twin: pole, light, sign, person, rider, car, truck, bus, bicycle. */
export const STREET_THINGS = [5, 6, 7, 11, 12, 13, 14, 15, 18] as const;

export interface StreetColourStats {
  /** Pixels per train id (19 entries) over the test scenes, ignore excluded. */
  pixels: number[];
  /** Test scenes in which each train id appears. */
  scenes: number[];
  /** Pixel accuracy of the colour lookup on thing pixels of the test scenes. */
  thingAccuracy: number;
  /** Mean over the thing classes present of the colour lookup's recall. */
  thingRecall: number;
}

/**
 * How much colour alone tells the classes of a street twin: a lookup table from the pixel colour
 * (3 bits per channel, 512 bins) to the majority train id among the `fit` scenes' pixels, scored on
 * the `test` scenes' thing pixels (STREET_THINGS). 1 = colour-coded classes; near the share of the
 * largest thing class = colour says nothing.
 */
export function streetColourStats(fit: readonly StreetScene[], test: readonly StreetScene[]): StreetColourStats {
  const bin = (s: StreetScene, i: number) =>
    ((s.rgb[3 * i] >> 5) << 6) | ((s.rgb[3 * i + 1] >> 5) << 3) | (s.rgb[3 * i + 2] >> 5);
  const votes = Array.from({ length: 512 }, () => new Array<number>(19).fill(0));
  for (const s of fit)
    for (let i = 0; i < s.labelIds.length; i++) {
      const t = LABEL_ID_TO_TRAIN_ID[s.labelIds[i]];
      if (t !== 255) votes[bin(s, i)][t]++;
    }
  const lookup = votes.map((v) => (v.some((n) => n > 0) ? v.indexOf(Math.max(...v)) : -1));
  const pixels = new Array<number>(19).fill(0),
    scenes = new Array<number>(19).fill(0),
    hit = new Array<number>(19).fill(0);
  for (const s of test) {
    const seen = new Set<number>();
    for (let i = 0; i < s.labelIds.length; i++) {
      const t = LABEL_ID_TO_TRAIN_ID[s.labelIds[i]];
      if (t === 255) continue;
      pixels[t]++;
      seen.add(t);
      if (lookup[bin(s, i)] === t) hit[t]++;
    }
    for (const t of seen) scenes[t]++;
  }
  const things = STREET_THINGS.filter((t) => pixels[t] > 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    pixels,
    scenes,
    thingAccuracy: sum(things.map((t) => hit[t])) / sum(things.map((t) => pixels[t])),
    thingRecall: sum(things.map((t) => hit[t] / pixels[t])) / things.length,
  };
}
