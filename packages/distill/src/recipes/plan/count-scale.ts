/** Pixels above which the plan counts a model at a reduced size (a 512×1024 R101 forward does not fit wasm's 4 GB heap). */
export const PLAN_MAX_PIXELS = 256 * 256;
/** The same for the timed training steps of `--probe` (forward + backward of a batch of 2). */
export const PROBE_MAX_PIXELS = 128 * 128;

/**
 * The factor f (a power of 2) by which the plan shrinks an input [H, W] before counting or probing
 * a model: the smallest with H·W/f² ≤ `maxPixels` whose H/f and W/f stay multiples of 32
 * (every family's input multiple), else the largest that does; 1 for small inputs. Costs measured at
 * [H/f, W/f] are scaled back by f²: exact for convolutions, pooling and resizes when every feature
 * map divides evenly (the sides stay multiples of the total stride); only per-image constants such
 * as ASPP's global-pooling branch (<0.01 % of a DeepLab's MACs) are over-counted.
 */
export function planScale(size: readonly [number, number], maxPixels = PLAN_MAX_PIXELS): number {
  let f = 1;
  while (size[0] * size[1] > maxPixels * f * f && (size[0] / (2 * f)) % 32 === 0 && (size[1] / (2 * f)) % 32 === 0)
    f *= 2;
  return f;
}

/** [H/f, W/f] for `planScale`'s f. */
export const scaledSize = (size: readonly [number, number], f: number): [number, number] => [size[0] / f, size[1] / f];
