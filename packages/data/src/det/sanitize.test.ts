import { describe, expect, it } from 'vitest';
import { DataError } from '@kd/core';
import type { DetObject } from '../dataset/types.ts';
import { mapClassNames, sanitizeBoxes } from './sanitize.ts';

const box = (x1: number, y1: number, x2: number, y2: number, cls = 0): DetObject => ({
  cls,
  x1,
  y1,
  x2,
  y2,
  difficult: false,
  truncated: false,
});

describe('sanitizeBoxes: the box rule for a 100×80 image', () => {
  it.each([
    ['a normal box is kept as is', box(10, 10, 50, 40), [10, 10, 50, 40], null],
    ['zero width → dropped', box(10, 10, 10, 40), null, 'empty'],
    ['zero height → dropped', box(10, 10, 50, 10), null, 'empty'],
    ['negative size (x2 < x1) → dropped', box(50, 10, 10, 40), null, 'empty'],
    ['NaN coordinate → dropped', box(NaN, 10, 50, 40), null, 'non-finite'],
    ['entirely right of the image → dropped', box(100, 10, 120, 40), null, 'outside'],
    ['entirely above the image → dropped', box(10, -30, 50, 0), null, 'outside'],
    ['partly outside → clipped to the image', box(-10, 70, 30, 95), [0, 70, 30, 80], null],
    ['clipped to under 1 px → dropped', box(99.5, 10, 130, 40), null, 'too-small'],
  ] as const)('%s', (_, input, kept, reason) => {
    const r = sanitizeBoxes([input], 100, 80, { numClasses: 2 });
    if (kept) {
      expect(r.kept.map((o) => [o.x1, o.y1, o.x2, o.y2])).toEqual([kept]);
      expect(r.dropped).toEqual([]);
    } else {
      expect(r.kept).toEqual([]);
      expect(r.dropped).toEqual([{ index: 0, reason }]);
    }
  });

  it('an image without boxes is valid (background only)', () => {
    expect(sanitizeBoxes([], 100, 80, { numClasses: 2 })).toEqual({ kept: [], dropped: [] });
  });

  it('a class index the model cannot represent is a DataError naming the box and the range', () => {
    expect(() =>
      sanitizeBoxes([box(1, 1, 5, 5), box(1, 1, 5, 5, 2)], 100, 80, { numClasses: 2, where: 'a.xml' }),
    ).toThrow(DataError);
    expect(() => sanitizeBoxes([box(1, 1, 5, 5, 2)], 100, 80, { numClasses: 2, where: 'a.xml' })).toThrow(
      'a.xml: box 0: class index 2 is outside 0..1',
    );
    expect(() => sanitizeBoxes([box(1, 1, 5, 5, -1)], 100, 80, { numClasses: 2 })).toThrow(/class index -1/);
  });
});

describe('mapClassNames', () => {
  it('maps dataset class names onto the model list', () => {
    expect(mapClassNames(['stand', 'fall'], ['fall', 'stand'])).toEqual([1, 0]);
  });
  it('an unknown class name is a DataError listing the known names', () => {
    expect(() => mapClassNames(['fall', 'sit'], ['fall', 'stand'], 'instances_val.json')).toThrow(
      "instances_val.json: unknown class name 'sit'; the model knows: fall, stand",
    );
  });
});
