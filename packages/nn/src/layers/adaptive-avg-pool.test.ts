import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { adaptiveAvgPool2d, adaptivePoolMatrix } from './adaptive-avg-pool.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('adaptive average pooling (PyTorch bins)', () => {
  it('5 → 3 bins overlap like torch: [0,2), [1,4), [3,5)', () => {
    const h = 1 / 2,
      t = 1 / 3;
    expect(Array.from(adaptivePoolMatrix(5, 3))).toEqual(
      [
        [h, h, 0, 0, 0],
        [0, t, t, t, 0],
        [0, 0, 0, h, h],
      ]
        .flat()
        .map(Math.fround),
    );
  });

  it('[1,2,4,1] → [1,1,2,1] averages each bin; same size returns a copy', () => {
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 4, 1]);
    const y = adaptiveAvgPool2d(x, [1, 2]);
    expect(y.shape).toEqual([1, 1, 2, 1]);
    expect(Array.from(y.dataSync())).toEqual([2.5, 4.5]); // (0+1+4+5)/4, (2+3+6+7)/4
    const same = adaptiveAvgPool2d(x, [2, 4]);
    expect(same).not.toBe(x);
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, same]);
  });
});
