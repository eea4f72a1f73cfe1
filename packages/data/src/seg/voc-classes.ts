/** Pascal VOC class names; index 0 is background (segmentation), detection uses 1..20 shifted to 0..19. */
export const VOC_SEG_CLASSES: readonly string[] = [
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

/** The 20 VOC detection classes, index = class index in `DetObject.cls`. */
export const VOC_DET_CLASSES: readonly string[] = VOC_SEG_CLASSES.slice(1);

/**
 * The VOC colour map (devkit `VOClabelcolormap.m`): bits of the index spread over the top bits
 * of R, G, B. Index 255 (void) is (224, 224, 192). 256 RGB triples.
 */
export const VOC_PALETTE: readonly (readonly [number, number, number])[] = Array.from({ length: 256 }, (_, i) => {
  let r = 0,
    g = 0,
    b = 0,
    c = i;
  for (let j = 0; j < 8; j++) {
    r |= ((c >> 0) & 1) << (7 - j);
    g |= ((c >> 1) & 1) << (7 - j);
    b |= ((c >> 2) & 1) << (7 - j);
    c >>= 3;
  }
  return [r, g, b] as const;
});
