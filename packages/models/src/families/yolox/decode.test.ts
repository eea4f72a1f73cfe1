import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoxes, encodeBox, flattenLevels } from './decode.ts';
import { postprocess } from './postprocess.ts';
import { makePriors } from './priors.ts';
import { spaceToDepthFocus } from './focus.ts';

const priors = makePriors(64, 64, [8, 16, 32]);

/** Per-level raw maps [1,H,W,5+K] filled with `fill`, with some points overwritten. */
function rawMaps(K: number, points: Record<number, number[]>, fill: number[]): tf.Tensor4D[] {
  const c = 5 + K;
  const flat = new Float32Array(priors.count * c);
  for (let p = 0; p < priors.count; p++) flat.set(points[p] ?? fill, p * c);
  let off = 0;
  return priors.levelShapes.map(([h, w]) => {
    const t = tf.tensor4d(flat.slice(off * c, (off + h * w) * c), [1, h, w, c]);
    off += h * w;
    return t;
  });
}

describe('priors, decoding and post-processing', () => {
  beforeAll(() => useBackend('cpu'));

  it('priors: levels in order, cells row-major', () => {
    expect(priors.count).toBe(84);
    expect(priors.levelShapes).toEqual([
      [8, 8],
      [4, 4],
      [2, 2],
    ]);
    expect([priors.gridX[9], priors.gridY[9], priors.stride[9]]).toEqual([1, 1, 8]);
    expect([priors.gridX[64 + 5], priors.gridY[64 + 5], priors.stride[64 + 5]]).toEqual([1, 1, 16]);
    expect([priors.gridX[83], priors.gridY[83], priors.stride[83]]).toEqual([1, 1, 32]);
    expect(() => makePriors(80, 64, [8, 16, 32])).toThrow(/input 80×64 is not a multiple of stride 32/);
  });

  it('decode(encode(box)) returns the box at every level', () => {
    const box: [number, number, number, number] = [12.5, 7, 40, 51.25];
    for (const k of [9, 64 + 5, 83]) {
      const raw = encodeBox(box, priors, k);
      const maps = rawMaps(1, { [k]: [...raw, 0, 0] }, [0, 0, 0, 0, 0, 0]);
      const dec = decodeBoxes(flattenLevels(maps), priors);
      expect([...dec.dataSync().slice(4 * k, 4 * k + 4)].map((v) => +v.toFixed(4))).toEqual(box);
      tf.dispose([...maps, dec]);
    }
    // the zero prediction of a stride-8 cell (gx, gy) = (1, 1) is an 8×8 box centred on (8, 8)
    const zero = decodeBoxes(flattenLevels(rawMaps(1, {}, [0, 0, 0, 0, 0, 0])), priors);
    expect([...zero.dataSync().slice(36, 40)]).toEqual([4, 4, 12, 12]);
  });

  it('postprocess: score = σ(obj)·max σ(cls), threshold, class-aware NMS, exact boxes', () => {
    const box: [number, number, number, number] = [16, 8, 48, 40];
    const bg = [0, 0, 0, 0, -10, -10, -10];
    const maps = rawMaps(
      2,
      {
        27: [...encodeBox(box, priors, 27), 4, -6, 3], // best: class 1
        28: [...encodeBox([17, 8, 48, 40], priors, 28), 3, -6, 3], // same object, lower score → suppressed
        64: [...encodeBox([17, 8, 48, 40], priors, 64), 3, 2, -6], // same place, class 0 → kept
      },
      bg,
    );
    const [dets] = postprocess(maps, priors, { scoreThreshold: 0.05, nmsIou: 0.65 });
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    expect(dets.map((d) => d.cls)).toEqual([1, 0]);
    expect(dets[0].score).toBeCloseTo(sig(4) * sig(3), 6);
    expect(dets[1].score).toBeCloseTo(sig(3) * sig(2), 6);
    expect([dets[0].x1, dets[0].y1, dets[0].x2, dets[0].y2].map((v) => +v.toFixed(4))).toEqual(box);
    tf.dispose(maps);
  });

  it('Focus space-to-depth uses YOLOX channel order (tl, bl, tr, br)', () => {
    // x[0, y, x, 0] = 10·y + x on a 2×2 image → [tl, bl, tr, br] = [0, 10, 1, 11]
    const y = spaceToDepthFocus(tf.tensor4d([0, 1, 10, 11], [1, 2, 2, 1]));
    expect([...y.dataSync()]).toEqual([0, 10, 1, 11]);
    expect(y.shape).toEqual([1, 1, 1, 4]);
  });
});
