import { DataError } from '@kd/core';

/** The ignore value Cityscapes trainId maps use (cityscapesScripts `*_labelTrainIds.png`). */
export const CITYSCAPES_IGNORE = 255;

/**
 * Official Cityscapes labelId → trainId table (cityscapesScripts `labels.py`), indexed by
 * labelId 0..33: the 19 evaluated classes get trainIds 0..18, everything else 255.
 * 7 road, 8 sidewalk, 11 building, 12 wall, 13 fence, 17 pole, 19 traffic light,
 * 20 traffic sign, 21 vegetation, 22 terrain, 23 sky, 24 person, 25 rider, 26 car, 27 truck,
 * 28 bus, 31 train, 32 motorcycle, 33 bicycle. labelId −1 (license plate) → 255.
 */
export const CITYSCAPES_LABELID_TO_TRAINID: readonly number[] = (() => {
  const t = new Array<number>(34).fill(CITYSCAPES_IGNORE);
  const evaluated = [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33];
  evaluated.forEach((id, train) => (t[id] = train));
  return t;
})();

/** The 19 trainId class names, in trainId order. */
export const CITYSCAPES_CLASSES = [
  'road',
  'sidewalk',
  'building',
  'wall',
  'fence',
  'pole',
  'traffic light',
  'traffic sign',
  'vegetation',
  'terrain',
  'sky',
  'person',
  'rider',
  'car',
  'truck',
  'bus',
  'train',
  'motorcycle',
  'bicycle',
] as const;

/**
 * Maps a labelId map to trainIds through the official table. A value outside −1..33 is not a
 * Cityscapes labelId: DataError naming `file` and the first offending value and pixel.
 */
export function cityscapesLabelIdsToTrainIds(ids: ArrayLike<number>, file = 'label map'): Uint8Array {
  const out = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (v === -1) {
      out[i] = CITYSCAPES_IGNORE;
      continue;
    }
    const t = CITYSCAPES_LABELID_TO_TRAINID[v];
    if (t === undefined) {
      throw new DataError(
        `value ${v} at pixel ${i} is not a Cityscapes labelId (expected -1..33; is this already a trainId map?)`,
        file,
      );
    }
    out[i] = t;
  }
  return out;
}
