/** Per-channel mean and std on the 0..255 scale: x ↦ (x − mean) / std. */
export interface Normalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** Named normalisations: ImageNet (torchvision, ×255), KD-SCFNet's dataset statistics, and none. */
export const NORMALIZATIONS = {
  imagenet: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
  kdscfnet: { mean: [124.55, 118.9, 102.94], std: [56.77, 55.97, 57.5] },
  none: { mean: [0, 0, 0], std: [1, 1, 1] },
} as const satisfies Record<string, Normalization>;

/** Writes normalised RGB pixels of `src` ([H, W, 3], uint8 or float) into `dst` at `offset`. */
export function normalizeInto(src: ArrayLike<number>, dst: Float32Array, offset: number, n: Normalization): void {
  const [m0, m1, m2] = n.mean,
    i0 = 1 / n.std[0],
    i1 = 1 / n.std[1],
    i2 = 1 / n.std[2];
  for (let i = 0; i < src.length; i += 3) {
    dst[offset + i] = (src[i] - m0) * i0;
    dst[offset + i + 1] = (src[i + 1] - m1) * i1;
    dst[offset + i + 2] = (src[i + 2] - m2) * i2;
  }
}
