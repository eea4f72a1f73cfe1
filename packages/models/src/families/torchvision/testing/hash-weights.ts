import type { SafeTensor } from '../../../io/safetensors.ts';

/**
 * The deterministic pseudo-random weights of tools/reference/weights/hash_weights.py (same rule,
 * bit for bit), so golden fixtures commit only a key/shape list, never the weights. Element i
 * of the t-th tensor: u = (lowbias32(base_t + i) >>> 8) / 2^24, base_t = lowbias32(t·0x9E3779B9 + seed),
 * value = lo + (hi − lo)·u in float64 rounded to float32, [lo, hi] by key: rank ≥ 2 weights
 * ±√(3/fan_in); BN weight and running_var [0.5, 1.5]; biases and running_mean [−0.1, 0.1];
 * num_batches_tracked 0.
 */
export function lowbias32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

function valueRange(key: string, shape: readonly number[]): [number, number] | null {
  if (key.endsWith('num_batches_tracked')) return null;
  if (shape.length >= 2) {
    const a = Math.sqrt(3 / shape.slice(1).reduce((p, s) => p * s, 1));
    return [-a, a];
  }
  if (key.endsWith('running_var') || key.endsWith('.weight')) return [0.5, 1.5];
  return [-0.1, 0.1];
}

/** The t-th tensor `key` of `shape` (C order). */
export function hashTensor(t: number, key: string, shape: readonly number[], seed: number): Float32Array {
  const n = shape.reduce((p, s) => p * s, 1);
  const out = new Float32Array(n);
  const r = valueRange(key, shape);
  if (!r) return out;
  const [lo, hi] = r;
  const base = lowbias32(Math.imul(t, 0x9e3779b9) + seed);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * ((lowbias32(base + i) >>> 8) / 16777216);
  return out;
}

/** A whole state dict from a `[key, shape][]` list, in that order. */
export function hashStateDict(keys: readonly [string, number[]][], seed: number): Map<string, SafeTensor> {
  return new Map(keys.map(([k, shape], t) => [k, { shape, data: hashTensor(t, k, shape, seed) }]));
}
