/** One inference window: top-left corner and size, in pixels of the image. */
export interface Window {
  y: number;
  x: number;
  h: number;
  w: number;
}

/**
 * mmsegmentation's `slide_inference` grid: windows of `win` = [h, w] every `stride` = [sh, sw]
 * pixels, the last row/column shifted back so it ends at the border (so every pixel is covered and
 * no window leaves the image); an image smaller than the window gets one window of its own size.
 * E.g. a 1024×2048 Cityscapes frame with 512×1024 windows and stride 342×683 gives 3 × 3 windows.
 */
export function slidingWindows(
  height: number,
  width: number,
  win: readonly [number, number],
  stride: readonly [number, number],
): Window[] {
  const [wh, ww] = [Math.min(win[0], height), Math.min(win[1], width)];
  const rows = Math.max(Math.ceil((height - wh) / stride[0]), 0) + 1;
  const cols = Math.max(Math.ceil((width - ww) / stride[1]), 0) + 1;
  const out: Window[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const y = Math.min(r * stride[0], height - wh),
        x = Math.min(c * stride[1], width - ww);
      out.push({ y, x, h: wh, w: ww });
    }
  return out;
}

/** The overlap stride of a window: ⌈2/3⌉ of each side (mmseg's Cityscapes 512×1024 crop → stride 342×683). */
export const twoThirds = (win: readonly [number, number]): [number, number] => [
  Math.ceil((win[0] * 2) / 3),
  Math.ceil((win[1] * 2) / 3),
];
