import { CITYSCAPES_CLASSES, CITYSCAPES_COLORS, colorizeLabels } from '@kd/data';

export { CITYSCAPES_COLORS, colorizeLabels };
import type { LegendEntry } from './image-grid.ts';

const WRONG: [number, number, number] = [230, 40, 40],
  IGNORED: [number, number, number] = [90, 90, 90],
  RIGHT: [number, number, number] = [20, 20, 20];

/** Disagreement heat-map: red where `pred` differs from `gt` (ignore pixels grey), else dark. */
export function errorMap(pred: ArrayLike<number>, gt: ArrayLike<number>, ignore = 255): Uint8Array {
  const out = new Uint8Array(pred.length * 3);
  for (let i = 0; i < pred.length; i++) {
    const v = gt[i] === ignore ? IGNORED : pred[i] !== gt[i] ? WRONG : RIGHT;
    out[3 * i] = v[0];
    out[3 * i + 1] = v[1];
    out[3 * i + 2] = v[2];
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
