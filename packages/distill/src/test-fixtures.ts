import { Rng } from '@kd/core';
import { renderSodScene } from '@kd/data';
import type { SodArrays } from './sod-arrays.ts';

/** An in-memory synthetic SOD split (no files), for trainer tests. */
export function syntheticSodArrays(seed: number, n: number, size: number, labeled = true): SodArrays {
  const rng = new Rng(seed, 'test-arrays');
  const out: SodArrays = { names: [], images: [], masks: [], width: size, height: size };
  for (let i = 0; i < n; i++) {
    const s = renderSodScene(rng.fork(String(i)), size, size);
    out.names.push(`s${i}`);
    out.images.push(s.rgb);
    out.masks.push(labeled ? s.mask : null);
  }
  return out;
}
