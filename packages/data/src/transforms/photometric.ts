/**
 * Colour edits of an [H, W, 3] uint8 image (masks, labels and boxes are unaffected).
 */

/** v ↦ clip(round(v · contrast + brightness), 0, 255) — KD-SCFNet's contrast/brightness step. */
export function contrastBrightness(image: Uint8Array, contrast: number, brightness: number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.max(0, Math.round(v * contrast + brightness)));
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = lut[image[i]];
  return out;
}

/** OpenCV's σ for an odd kernel size k when σ is 0: 0.3·((k − 1)/2 − 1) + 0.8. */
export const sigmaForKernel = (k: number): number => 0.3 * ((k - 1) * 0.5 - 1) + 0.8;

/** OpenCV's fixed kernels for k ≤ 7 when σ is 0 (getGaussianKernel's small_gaussian_tab). */
const SMALL_GAUSSIAN: Record<number, number[]> = {
  1: [1],
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
};

/**
 * Normalised 1-D Gaussian weights of odd size k as cv2.GaussianBlur(img, (k, k), 0) uses them:
 * the fixed table for k ≤ 7, else exp(−(i − r)²/2σ²) with `sigmaForKernel(k)`.
 */
export function gaussianKernel(k: number): Float32Array {
  if (k < 1 || k % 2 === 0) throw new Error(`gaussianKernel: size must be odd and positive, got ${k}`);
  if (SMALL_GAUSSIAN[k]) return Float32Array.from(SMALL_GAUSSIAN[k]);
  const sigma = sigmaForKernel(k),
    r = (k - 1) / 2,
    w = new Float32Array(k);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += w[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < k; i++) w[i] /= sum;
  return w;
}

/** Index reflection without repeating the edge (OpenCV BORDER_REFLECT_101): −1 → 1, n → n − 2. */
const reflect101 = (i: number, n: number): number => {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
};

/** Separable Gaussian blur with an odd k×k kernel (cv2.GaussianBlur(img, (k, k), 0)), rounded to uint8. */
export function gaussianBlur(image: Uint8Array, width: number, height: number, k: number): Uint8Array {
  const w = gaussianKernel(k),
    r = (k - 1) / 2;
  const tmp = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += w[t] * image[(y * width + reflect101(x + t - r, width)) * 3 + c];
        tmp[(y * width + x) * 3 + c] = acc;
      }
    }
  }
  const out = new Uint8Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += w[t] * tmp[(reflect101(y + t - r, height) * width + x) * 3 + c];
        out[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return out;
}
