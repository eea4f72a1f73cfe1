import { describe, expect, it } from 'vitest';
import { logGamma, studentTCdf, studentTQuantile } from './student-t.ts';

describe('Student t', () => {
  it('quantiles equal R qt() to 1e-6', () => {
    // R: qt(0.975, c(1, 2, 3, 4, 9, 29, 200)); qt(0.95, 4)
    const cases: [number, number, number][] = [
      [0.975, 1, 12.7062047362],
      [0.975, 2, 4.30265272975],
      [0.975, 3, 3.18244630528],
      [0.975, 4, 2.7764451052],
      [0.975, 9, 2.2621571628],
      [0.975, 29, 2.04522964213],
      [0.975, 200, 1.97189611189],
      [0.95, 4, 2.13184678633],
    ];
    for (const [p, df, q] of cases) expect(studentTQuantile(p, df)).toBeCloseTo(q, 6);
  });
  it('is symmetric and inverts its CDF', () => {
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764451052, 6);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(studentTQuantile(0.9, 5), 5)).toBeCloseTo(0.9, 10);
    // t with 1 df is Cauchy: P(T ≤ 1) = 3/4.
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12);
  });
  it('log-gamma matches factorials', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
  it('refuses bad arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be in \(0, 1\)/);
    expect(() => studentTCdf(1, 0)).toThrow(/degrees of freedom/);
  });
});
