import { describe, expect, it } from 'vitest';
import { resizeGrayBilinear } from './resize-gray.ts';
import { toMetricJson } from '../json.ts';

describe('resizeGrayBilinear (half-pixel centres)', () => {
  it('same size is the identity', () => {
    const src = { data: [0, 10, 20, 30, 40, 50], width: 3, height: 2 };
    expect([...resizeGrayBilinear(src, 3, 2).data]).toEqual(src.data);
  });
  it('2 → 4 upsampling: source x = (i + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25 (clamped at the borders)', () => {
    // [0, 100] → 0 (clamped), 25, 75, 100 (clamped)
    expect([...resizeGrayBilinear({ data: [0, 100], width: 2, height: 1 }, 4, 1).data]).toEqual([0, 25, 75, 100]);
  });
  it('4 → 2 downsampling averages pixel pairs: x = 0.5, 2.5', () => {
    // [0, 100, 200, 255] → 50, 227.5 → round → 228
    expect([...resizeGrayBilinear({ data: [0, 100, 200, 255], width: 4, height: 1 }, 2, 1).data]).toEqual([50, 228]);
  });
});

describe('toMetricJson', () => {
  it('NaN, Infinity, undefined → null; typed arrays → arrays', () => {
    expect(JSON.parse(toMetricJson({ a: NaN, b: [1, Infinity], c: undefined, d: new Float64Array([0.5]) }))).toEqual({
      a: null,
      b: [1, null],
      c: null,
      d: [0.5],
    });
  });
});
