/**
 * numpy's `np.spacing(1)` = 2⁻⁵² (MATLAB `eps`), the epsilon PySODMetrics adds to S-measure,
 * E-measure and weighted-F denominators.
 */
export const EPS = 2.220446049250313e-16;

/**
 * An 8-bit grey map with its 2-D shape, row-major (`data[y * width + x]`), values 0..255.
 * `@kd/data`'s `readGray` returns this shape of object.
 */
export interface GrayMap {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/** True for `{data, width, height}`, false for a flat array of values. */
export function isGrayMap(m: GrayMap | ArrayLike<number>): m is GrayMap {
  const o = m as Partial<GrayMap>;
  return typeof o.width === 'number' && typeof o.height === 'number' && o.data !== undefined;
}
