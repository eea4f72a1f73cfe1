import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@kd/runtime';
import type { DenseModel } from '@kd/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { slideLogits, wholeLogits } from './full-res-eval.ts';
import { slidingWindows, twoThirds } from './sliding-window.ts';

describe('sliding windows (mmseg slide_inference)', () => {
  it('Cityscapes 1024×2048 with 512×1024 windows at stride 342×683: 3 × 3 windows, the last flush with the border', () => {
    expect(twoThirds([512, 1024])).toEqual([342, 683]);
    const w = slidingWindows(1024, 2048, [512, 1024], [342, 683]);
    expect(w.map((v) => [v.y, v.x])).toEqual([
      [0, 0],
      [0, 683],
      [0, 1024],
      [342, 0],
      [342, 683],
      [342, 1024],
      [512, 0],
      [512, 683],
      [512, 1024],
    ]);
    expect(w.every((v) => v.h === 512 && v.w === 1024)).toBe(true);
  });

  it('an image smaller than the window is one window of its own size', () => {
    expect(slidingWindows(128, 256, [512, 1024], [342, 683])).toEqual([{ y: 0, x: 0, h: 128, w: 256 }]);
  });
});

/** A "model" whose logits are its input (K = 3): placement and padding errors show as wrong values. */
function identity(seen: number[][]): DenseModel {
  return {
    forward: (x: tf.Tensor4D) => {
      seen.push(x.shape);
      return [tf.mul(x, 1) as tf.Tensor4D];
    },
  } as unknown as DenseModel;
}

describe('full-resolution logits', () => {
  beforeAll(() => useBackend('cpu'));

  it('whole: pads 50×70 to 64×96 (multiple 32), crops the logits back; values unchanged', () => {
    const seen: number[][] = [];
    const x = tf.randomUniform([1, 50, 70, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const y = wholeLogits(identity(seen), x, 32);
    expect(seen).toEqual([[1, 64, 96, 3]]);
    expect(y.shape).toEqual([1, 50, 70, 3]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });

  it('slide: 96×160 with 64×96 windows → 2 × 2 windows, overlaps averaged back to the input; no leak', async () => {
    const seen: number[][] = [];
    const x = tf.randomUniform([1, 96, 160, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const y = await slideLogits(identity(seen), x, 32, [64, 96], 3);
    expect(seen).toEqual(Array(4).fill([1, 64, 96, 3]));
    const a = y.dataSync(),
      b = x.dataSync();
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-6);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
