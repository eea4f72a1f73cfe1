/**
 * YOLOX anchor points ("priors"): one per cell of every output level, levels concatenated in
 * order (stride 8, 16, 32), cells row-major. Cell (i, j) of a level with stride s has grid
 * coordinates gx = j, gy = i; its box prediction decodes relative to (gx·s, gy·s) and SimOTA
 * measures it at the cell centre ((gx + ½)·s, (gy + ½)·s) (mmdet: priors with offset 0, shifted
 * by ½ stride for assignment).
 */
export interface Priors {
  /** Total number of points A = Σ_l H_l·W_l. */
  count: number;
  gridX: Float32Array;
  gridY: Float32Array;
  stride: Float32Array;
  /** [H_l, W_l] per level. */
  levelShapes: [number, number][];
}

/** Points for an input of `height`×`width` pixels at the given strides (H, W multiples of the largest stride). */
export function makePriors(height: number, width: number, strides: readonly number[]): Priors {
  const levelShapes = strides.map((s) => {
    if (height % s || width % s)
      throw new Error(`yolox priors: input ${height}×${width} is not a multiple of stride ${s}`);
    return [height / s, width / s] as [number, number];
  });
  const count = levelShapes.reduce((a, [h, w]) => a + h * w, 0);
  const gridX = new Float32Array(count),
    gridY = new Float32Array(count),
    stride = new Float32Array(count);
  let k = 0;
  levelShapes.forEach(([h, w], l) => {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++, k++) {
        gridX[k] = j;
        gridY[k] = i;
        stride[k] = strides[l];
      }
    }
  });
  return { count, gridX, gridY, stride, levelShapes };
}
