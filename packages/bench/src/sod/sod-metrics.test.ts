import { describe, expect, it } from 'vitest';
import { expectClose, readFixture } from '../testing/fixtures.ts';
import { SodEvaluator, type SodScores } from './sod-evaluator.ts';
import { SalMetricEvaluator } from './salmetric-evaluator.ts';
import { roundHalfEven } from './s-measure.ts';
import { nearestForeground } from './nearest-foreground.ts';
import { gaussianKernel7 } from './weighted-f-measure.ts';

interface SodCase {
  name: string;
  height: number;
  width: number;
  pred: number[];
  gt: number[];
  expected: Omit<SodScores, 'num_images'>;
}
interface SodFixture {
  images: SodCase[];
  summary: SodScores;
  curves: { fm: number[]; em: number[]; precision: number[]; recall: number[] };
  salmetric: { MAE: number; maxFm: number; meanFm: number };
}

// Expected values: tools/reference/metrics/sod_reference.py (numpy/scipy, PySODMetrics 1.6 algorithms).
const fx = readFixture<SodFixture>('sod-cases.json');
const KEYS = ['MAE', 'Smeasure', 'wFmeasure', 'adpFm', 'meanFm', 'maxFm', 'adpEm', 'meanEm', 'maxEm'] as const;

describe('SodEvaluator (PySODMetrics conventions) per image', () => {
  it.each(fx.images.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ev = new SodEvaluator();
    const got = ev.add(
      { data: c.pred, width: c.width, height: c.height },
      { data: c.gt, width: c.width, height: c.height },
      c.name,
    );
    for (const k of KEYS) expectClose(got[k], c.expected[k], 1e-9, `${c.name} ${k}`);
  });
});

describe('SodEvaluator dataset level', () => {
  const big = fx.images.filter((c) => c.height * c.width > 1);
  const ev = new SodEvaluator();
  for (const c of big)
    ev.add(
      { data: c.pred, width: c.width, height: c.height },
      { data: c.gt, width: c.width, height: c.height },
      c.name,
    );

  it('means over images and max/mean of the averaged curves equal the reference', () => {
    const s = ev.summary();
    expect(s.num_images).toBe(fx.summary.num_images);
    for (const k of KEYS) expectClose(s[k], fx.summary[k], 1e-9, k);
  });

  it('curves are the image-averaged curves, index k ↔ threshold 255 − k', () => {
    const cv = ev.curves();
    expect(cv.thresholds[0]).toBe(255);
    expect(cv.thresholds[255]).toBe(0);
    for (const key of ['fm', 'em', 'precision', 'recall'] as const) {
      cv[key].forEach((v, i) => expectClose(v, fx.curves[key][i], 1e-9, `${key}[${i}]`));
    }
  });

  it('flat arrays (no shape) keep MAE and F but give NaN for the shape-dependent scores', () => {
    const c = big[0];
    const e = new SodEvaluator();
    const got = e.add(c.pred, c.gt, c.name);
    expectClose(got.MAE, c.expected.MAE);
    expectClose(got.maxFm, c.expected.maxFm);
    expect(Number.isNaN(got.Smeasure) && Number.isNaN(got.wFmeasure) && Number.isNaN(got.adpEm)).toBe(true);
  });

  it('rejects maps of different sizes, naming the image', () => {
    expect(() => new SodEvaluator().add([1, 2, 3], [1, 2], 'x.png')).toThrow(/x\.png.*3 pixels.*2/);
    expect(() =>
      new SodEvaluator().add({ data: [1, 2], width: 2, height: 1 }, { data: [1, 2], width: 1, height: 2 }, 'y.png'),
    ).toThrow(/y\.png: prediction is 2×1, ground truth 1×2/);
  });
});

describe('SalMetricEvaluator (CSNet convention)', () => {
  it('MAE, maxF, meanF over all fixture images equal the reference', () => {
    const ev = new SalMetricEvaluator();
    for (const c of fx.images) ev.add(c.pred, c.gt, c.name);
    const s = ev.summary();
    expectClose(s.MAE, fx.salmetric.MAE, 1e-12, 'MAE');
    expectClose(s.maxFm, fx.salmetric.maxFm, 1e-12, 'maxFm');
    expectClose(s.meanFm, fx.salmetric.meanFm, 1e-12, 'meanFm');
    expect(s.num_images).toBe(fx.images.length);
  });

  it.each([
    // [pred, gt, expected F at t=0 computed by hand]
    // pred 1 > 0 and gt 255: TP 1, |S| 1, |G| 1 → P = R = 1 → F = 1
    [[1], [255], 1],
    // pred 0 is not > 0: TP 0, |S| 0, |G| 1 → P = 1e-4/1e-4 = 1, R = 1e-4/1.0001 → F = 1.3R/(0.3 + R)
    [[0], [255], (1.3 * (1e-4 / 1.0001)) / (0.3 + 1e-4 / 1.0001)],
  ])('strict > threshold and 1e-4 epsilon: pred %j gt %j', (pred, gt, f0) => {
    const ev = new SalMetricEvaluator();
    ev.add(pred, gt);
    expectClose(ev.fCurve().fm[0], f0, 1e-12);
  });
});

describe('helpers', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [2.4999, 2],
    [7, 7],
  ])('roundHalfEven(%d) = %d', (x, r) => {
    expect(roundHalfEven(x)).toBe(r);
  });

  it('Gaussian kernel: symmetric, sums to 1, centre/corner ratio exp(18/50)', () => {
    const k = gaussianKernel7();
    expectClose(
      k.reduce((s, v) => s + v, 0),
      1,
      1e-15,
    );
    expectClose(k[24] / k[0], Math.exp(18 / 50), 1e-13);
    expect(k[1]).toBe(k[7]);
  });

  it('nearestForeground: ties go to the smallest column, then the smallest row', () => {
    // 3×3, fg at (0,0), (0,2), (2,0): the centre (1,1) is √2 from all three → (0,0).
    // (2,2) is 2 from (0,2) and (2,0) → smallest column: (2,0) = index 6.
    const g = new Uint8Array([1, 0, 1, 0, 0, 0, 1, 0, 0]);
    const { dist, index } = nearestForeground(g, 3, 3);
    expect(index[4]).toBe(0);
    expectClose(dist[4], Math.SQRT2, 1e-15);
    expect(index[8]).toBe(6);
    expect(dist[8]).toBe(2);
    // (1,2): 1 from (0,2), √5 from (2,0) → index 2.
    expect(index[5]).toBe(2);
  });
});
