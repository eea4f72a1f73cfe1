import type { Sample } from '../dataset/types.ts';
import { padSample } from './geometry.ts';
import { resizeSample } from './resize.ts';

/**
 * mmdet `Resize(keep_ratio=True)` into a W×H box: scale r = min(W/w, H/h), the image resized to
 * round(w·r) × round(h·r) (boxes scaled with it). Returns the sample and r.
 */
export function resizeKeepRatio(s: Sample, W: number, H: number): { sample: Sample; scale: number } {
  const r = Math.min(W / s.width, H / s.height);
  const w = Math.max(1, Math.round(s.width * r)),
    h = Math.max(1, Math.round(s.height * r));
  return { sample: resizeSample(s, w, h), scale: r };
}

/** mmdet `Pad(size=(H, W), pad_val=v)`: pads right and bottom with `value` up to W×H (the sample must fit). */
export function padBottomRight(s: Sample, W: number, H: number, value: number): Sample {
  if (s.width > W || s.height > H)
    throw new Error(`padBottomRight: '${s.name}' is ${s.width}×${s.height}, larger than ${W}×${H}`);
  return padSample(s, 0, W - s.width, H - s.height, 0, { image: [value, value, value] });
}
