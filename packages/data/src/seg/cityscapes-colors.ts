/** The Cityscapes colours of the 19 train ids (cityscapesScripts); ignore (255) is black. */
export const CITYSCAPES_COLORS: [number, number, number][] = [
  [128, 64, 128],
  [244, 35, 232],
  [70, 70, 70],
  [102, 102, 156],
  [190, 153, 153],
  [153, 153, 153],
  [250, 170, 30],
  [220, 220, 0],
  [107, 142, 35],
  [152, 251, 152],
  [70, 130, 180],
  [220, 20, 60],
  [255, 0, 0],
  [0, 0, 142],
  [0, 0, 70],
  [0, 60, 100],
  [0, 80, 100],
  [0, 0, 230],
  [119, 11, 32],
];

/** Label map [H·W] (train ids) → RGB [H·W·3]. */
export function colorizeLabels(labels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) {
    const c = CITYSCAPES_COLORS[labels[i]] ?? [0, 0, 0];
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
  return out;
}
