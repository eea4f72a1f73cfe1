import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { encodeBox } from './decode.ts';
import { makePriors } from './priors.ts';
import { yoloxLoss } from './yolox-loss.ts';

/** Head maps [1,H_l,W_l,5+K] of a 64² input whose box channels decode to `box` at every prior, shifted by `dx`. */
function mapsEncoding(box: [number, number, number, number], dx: number, K: number): tf.Tensor4D[] {
  const priors = makePriors(64, 64, [8, 16, 32]);
  let k = 0;
  return [8, 16, 32].map((s) => {
    const side = 64 / s;
    const data = new Float32Array(side * side * (5 + K));
    for (let i = 0; i < side * side; i++, k++) {
      const [a, b, c, d] = encodeBox(box, priors, k);
      data.set([a + dx, b, c, d], i * (5 + K));
    }
    return tf.tensor4d(data, [1, side, side, 5 + K]);
  });
}

describe('YOLOX L1 box term (l1 option)', () => {
  it('is Σ_fg Σ|raw − t|/F: 0 when every prior encodes the box, 0.5 when dx is off by 0.5; absent without the option', async () => {
    await useBackend('cpu');
    const box: [number, number, number, number] = [12, 20, 44, 52];
    const priors = makePriors(64, 64, [8, 16, 32]);
    const target = [{ boxes: box, classes: [1] }];
    const exact = mapsEncoding(box, 0, 2);
    const off = mapsEncoding(box, 0.5, 2);
    const a = yoloxLoss(exact, priors, target, { l1: true });
    expect(a.numFg).toBeGreaterThan(0);
    expect(a.l1.dataSync()[0]).toBeCloseTo(0, 5);
    const b = yoloxLoss(off, priors, target, { l1: true });
    expect(b.l1.dataSync()[0]).toBeCloseTo(0.5, 5); // each positive contributes |0.5|, divided by F = #positives
    const c = yoloxLoss(off, priors, target);
    expect(c.l1.dataSync()[0]).toBe(0);
    expect(b.total.dataSync()[0] - c.total.dataSync()[0]).toBeCloseTo(0.5, 5);
    tf.dispose([...exact, ...off, ...[a, b, c].flatMap((x) => [x.total, x.iou, x.obj, x.cls, x.l1])]);
  });
});
