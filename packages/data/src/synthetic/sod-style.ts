import type { Rng } from '@kd/core';
import type { SodScene } from './sod-scene.ts';

/**
 * The twin's image styles: `source` is the renderer's own output (the labeled set, like DUTS-TR);
 * `target` (the unlabeled and test sets, like KD-SOD80K and the benchmarks) is the same scene
 * seen through a different camera: contrast ×c around the image mean (c ~ U[0.5, 0.7]), a warm
 * colour cast (R ×1.12, G ×0.96, B ×0.72, each ×U[0.95, 1.05]), then gamma 1.35 (darker mid-tones).
 */
export type SodStyle = 'source' | 'target';

export const SOD_STYLES: readonly SodStyle[] = ['source', 'target'];

/**
 * Returns `scene` restyled (the mask is untouched): for `source` the scene itself; for `target`
 * a new RGB buffer with, per pixel and channel v ∈ [0, 255],
 * v' = 255·((clip(μ + c·(v − μ))·gain_ch / 255)^1.35), μ the image's mean over all channels.
 */
export function applySodStyle(scene: SodScene, style: SodStyle, rng: Rng): SodScene {
  if (style === 'source') return scene;
  const { rgb } = scene;
  let sum = 0;
  for (const v of rgb) sum += v;
  const mean = sum / rgb.length;
  const c = rng.uniform(0.5, 0.7);
  const gain = [1.12, 0.96, 0.72].map((g) => g * rng.uniform(0.95, 1.05));
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const v = clip255(mean + c * (rgb[i] - mean)) * gain[i % 3];
    out[i] = Math.round(255 * Math.pow(clip255(v) / 255, 1.35));
  }
  return { ...scene, rgb: out };
}

const clip255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
