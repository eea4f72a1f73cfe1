import { IGNORE_LABEL } from '../dataset/types.ts';

/**
 * The official Cityscapes label table (cityscapesscripts `helpers/labels.py`): raw label id →
 * train id, 19 train classes, everything else ignored (255). The license plate has id −1,
 * which an 8-bit `*_labelIds.png` can only hold as 255; it maps to ignore as well.
 */
export const CITYSCAPES_LABELS: readonly { id: number; name: string; trainId: number }[] = [
  { id: 0, name: 'unlabeled', trainId: 255 },
  { id: 1, name: 'ego vehicle', trainId: 255 },
  { id: 2, name: 'rectification border', trainId: 255 },
  { id: 3, name: 'out of roi', trainId: 255 },
  { id: 4, name: 'static', trainId: 255 },
  { id: 5, name: 'dynamic', trainId: 255 },
  { id: 6, name: 'ground', trainId: 255 },
  { id: 7, name: 'road', trainId: 0 },
  { id: 8, name: 'sidewalk', trainId: 1 },
  { id: 9, name: 'parking', trainId: 255 },
  { id: 10, name: 'rail track', trainId: 255 },
  { id: 11, name: 'building', trainId: 2 },
  { id: 12, name: 'wall', trainId: 3 },
  { id: 13, name: 'fence', trainId: 4 },
  { id: 14, name: 'guard rail', trainId: 255 },
  { id: 15, name: 'bridge', trainId: 255 },
  { id: 16, name: 'tunnel', trainId: 255 },
  { id: 17, name: 'pole', trainId: 5 },
  { id: 18, name: 'polegroup', trainId: 255 },
  { id: 19, name: 'traffic light', trainId: 6 },
  { id: 20, name: 'traffic sign', trainId: 7 },
  { id: 21, name: 'vegetation', trainId: 8 },
  { id: 22, name: 'terrain', trainId: 9 },
  { id: 23, name: 'sky', trainId: 10 },
  { id: 24, name: 'person', trainId: 11 },
  { id: 25, name: 'rider', trainId: 12 },
  { id: 26, name: 'car', trainId: 13 },
  { id: 27, name: 'truck', trainId: 14 },
  { id: 28, name: 'bus', trainId: 15 },
  { id: 29, name: 'caravan', trainId: 255 },
  { id: 30, name: 'trailer', trainId: 255 },
  { id: 31, name: 'train', trainId: 16 },
  { id: 32, name: 'motorcycle', trainId: 17 },
  { id: 33, name: 'bicycle', trainId: 18 },
  { id: -1, name: 'license plate', trainId: 255 },
];

/** The 19 train classes, indexed by train id. */
export const CITYSCAPES_CLASSES: readonly string[] = CITYSCAPES_LABELS.filter((l) => l.trainId !== 255)
  .sort((a, b) => a.trainId - b.trainId)
  .map((l) => l.name);

/** Marks an 8-bit value that is not a label id in the table. */
export const NOT_IN_TABLE = -1;

/** 256-entry lookup: 8-bit label id → train id (255 ignore), or NOT_IN_TABLE. */
export const LABEL_ID_TO_TRAIN_ID: Int16Array = (() => {
  const lut = new Int16Array(256).fill(NOT_IN_TABLE);
  for (const l of CITYSCAPES_LABELS) lut[l.id & 0xff] = l.trainId;
  return lut;
})();

/** 256-entry lookup for `*_labelTrainIds.png`: 0..18 and 255 are valid, the rest not. */
export const TRAIN_ID_CHECK: Int16Array = (() => {
  const lut = new Int16Array(256).fill(NOT_IN_TABLE);
  for (let t = 0; t < CITYSCAPES_CLASSES.length; t++) lut[t] = t;
  lut[IGNORE_LABEL] = IGNORE_LABEL;
  return lut;
})();

/**
 * Maps raw 8-bit values through `lut` into a new train-id map. Returns the first position whose
 * value is not in the table (`bad`), or null when all were valid.
 */
export function mapLabelIds(
  raw: Uint8Array,
  lut: Int16Array,
): { label: Uint8Array; bad: { index: number; value: number } | null } {
  const label = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const t = lut[raw[i]];
    if (t < 0) return { label, bad: { index: i, value: raw[i] } };
    label[i] = t;
  }
  return { label, bad: null };
}
