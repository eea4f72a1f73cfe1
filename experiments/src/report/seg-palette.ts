import { CITYSCAPES_CLASSES } from '@kd/data';
import type { LegendEntry } from './image-grid.ts';

/** The Cityscapes colours of the 19 train ids (cityscapesScripts); ignore (255) is black. */
export const CITYSCAPES_COLORS: [number, number, number][] = [
  [128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153], [153, 153, 153], [250, 170, 30],
  [220, 220, 0], [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60], [255, 0, 0], [0, 0, 142],
  [0, 0, 70], [0, 60, 100], [0, 80, 100], [0, 0, 230], [119, 11, 32],
];

/** Label map [H·W] (train ids) → RGB [H·W·3]. */
export function colorizeLabels(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) {
    const c = CITYSCAPES_COLORS[labels[i]] ?? [0, 0, 0];
    out[3 * i] = c[0]; out[3 * i + 1] = c[1]; out[3 * i + 2] = c[2];
  }
  return out;
}

const WRONG: [number, number, number] = [230, 40, 40], IGNORED: [number, number, number] = [90, 90, 90], RIGHT: [number, number, number] = [20, 20, 20];

/** Disagreement heat-map: red where `pred` differs from `gt` (ignore pixels grey), else dark. */
export function errorMap(pred: ArrayLike<number>, gt: ArrayLike<number>, ignore = 255): Uint8Array {
  const out = new Uint8Array(pred.length * 3);
  for (let i = 0; i < pred.length; i++) {
    const v = gt[i] === ignore ? IGNORED : pred[i] !== gt[i] ? WRONG : RIGHT;
    out[3 * i] = v[0]; out[3 * i + 1] = v[1]; out[3 * i + 2] = v[2];
  }
  return out;
}

/** Colour key of the seg grid: the 19 classes, ignore, and the three error-map colours. */
export function segLegend(): LegendEntry[] {
  return [
    ...CITYSCAPES_CLASSES.map((label, i) => ({ rgb: CITYSCAPES_COLORS[i], label })),
    { rgb: [0, 0, 0], label: 'ignore (255)' },
    { rgb: WRONG, label: 'error: wrong class' },
    { rgb: IGNORED, label: 'error map: ignore' },
    { rgb: RIGHT, label: 'error map: correct' },
  ];
}
