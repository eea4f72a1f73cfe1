import { describe, expect, it } from 'vitest';
import { resizeSkimage } from './skimage-resize.ts';

// Goldens: skimage 0.19.3 `resize(a, shape, order=1, mode='reflect', anti_aliasing=False)` (scipy 1.10.1),
// a = arange(12).reshape(3, 4)**2 / 7 (float64), rounded to 12 decimals.
const A = Array.from({ length: 12 }, (_, i) => (i * i) / 7);

describe('resizeSkimage (skimage resize order 1, mode reflect, no anti-aliasing)', () => {
  it('upsampling mirrors the taps outside the image (3×4 → 5×7)', () => {
    const up = resizeSkimage(A, 4, 3, 1, 7, 5);
    const want = [
      [0.536734693878, 0.589795918367, 0.802040816327, 1.157142857143, 1.55306122449, 2.091836734694, 2.226530612245],
      [1.042857142857, 1.128571428571, 1.471428571429, 1.957142857143, 2.483673469388, 3.15306122449, 3.320408163265],
      [2.561224489796, 2.744897959184, 3.479591836735, 4.357142857143, 5.275510204082, 6.336734693878, 6.602040816327],
      [6.822448979592, 7.104081632653, 8.230612244898, 9.5, 10.810204081633, 12.263265306122, 12.626530612245],
      [
        8.242857142857, 8.557142857143, 9.814285714286, 11.214285714286, 12.655102040816, 14.238775510204,
        14.634693877551,
      ],
    ].flat();
    want.forEach((v, i) => expect(up[i]).toBeCloseTo(v, 10));
  });

  it('downsampling (3×4 → 2×3) and a 3-channel image (2×3 → 3×2) match skimage', () => {
    const dn = resizeSkimage(A, 4, 3, 1, 3, 2);
    [0.642857142857, 1.357142857143, 2.547619047619, 7.785714285714, 10.785714285714, 14.261904761905].forEach((v, i) =>
      expect(dn[i]).toBeCloseTo(v, 10),
    );
    const rgb = Array.from({ length: 18 }, (_, i) => i);
    const rgbWant = [
      2.25, 3.25, 4.25, 6.75, 7.75, 8.75, 5.25, 6.25, 7.25, 9.75, 10.75, 11.75, 8.25, 9.25, 10.25, 12.75, 13.75, 14.75,
    ];
    const rgbGot = resizeSkimage(rgb, 3, 2, 3, 2, 3);
    rgbWant.forEach((v, i) => expect(rgbGot[i]).toBeCloseTo(v, 12));
  });

  it('the same size is the identity; a wrong length names the expected shape', () => {
    expect([...resizeSkimage(A, 4, 3, 1, 4, 3)]).toEqual(A);
    expect(() => resizeSkimage(A, 4, 4, 1, 2, 2)).toThrow('resizeSkimage: 12 values is not 4×4×1');
  });
});
