import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { contrastBrightness, gaussianBlur, gaussianKernel, sigmaForKernel } from './photometric.ts';
import { NORMALIZATIONS, normalizeInto } from './normalize.ts';
import { AUGMENT_PRESETS, augmentPreset, augmentSample, pickBatchSize } from './augment.ts';

describe('photometric transforms', () => {
  it('contrast then brightness, rounded and clipped', () => {
    expect([...contrastBrightness(Uint8Array.from([0, 10, 100, 200, 255]), 1.5, -15)]).toEqual([0, 0, 135, 255, 255]);
  });

  it('Gaussian kernels match OpenCV: the fixed table for k ≤ 7, σ = 1.7 for k = 9', () => {
    expect([...gaussianKernel(3)]).toEqual([0.25, 0.5, 0.25]);
    expect([...gaussianKernel(5)]).toEqual([0.0625, 0.25, 0.375, 0.25, 0.0625]);
    expect(sigmaForKernel(9)).toBeCloseTo(1.7, 10);
    const w = gaussianKernel(9);
    expect(w[4] / w[3]).toBeCloseTo(Math.exp(1 / (2 * 1.7 * 1.7)), 5);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('blur keeps a flat image flat and spreads an impulse by the kernel weights', () => {
    expect(new Set(gaussianBlur(new Uint8Array(5 * 4 * 3).fill(77), 5, 4, 5))).toEqual(new Set([77]));
    const img = new Uint8Array(5 * 5 * 3);
    img[(2 * 5 + 2) * 3] = 255;
    const out = gaussianBlur(img, 5, 5, 3);
    expect(out[(2 * 5 + 2) * 3]).toBe(64); // 255 · 0.5 · 0.5
    expect(out[(2 * 5 + 1) * 3]).toBe(32); // 255 · 0.5 · 0.25
    expect(out[(1 * 5 + 1) * 3]).toBe(16); // 255 · 0.25 · 0.25
    expect(out[(2 * 5 + 2) * 3 + 1]).toBe(0);
  });

  it('normalises with the KD-SCFNet statistics', () => {
    const dst = new Float32Array(3);
    normalizeInto([124.55, 0, 255], dst, 0, NORMALIZATIONS.kdscfnet);
    expect(dst[0]).toBeCloseTo(0, 6);
    expect(dst[1]).toBeCloseTo(-118.9 / 55.97, 5);
    expect(dst[2]).toBeCloseTo((255 - 102.94) / 57.5, 5);
  });
});

describe('augmentation recipes', () => {
  it('are reproducible from the rng and differ across seeds', () => {
    const s = {
      name: 'a',
      width: 40,
      height: 32,
      image: new Uint8Array(40 * 32 * 3).map((_, i) => (i * 37) % 256),
      mask: new Uint8Array(40 * 32).map((_, i) => (i % 40 > 20 ? 255 : 0)),
    };
    const cfg = augmentPreset('kdscfnet-train');
    const a = augmentSample(new Rng(5), s, cfg),
      b = augmentSample(new Rng(5), s, cfg),
      c = augmentSample(new Rng(6), s, cfg);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('multi-scale picks square sizes from the KD-SCFNet set; fixed sizes are returned as [H, W]', () => {
    const rng = new Rng(3);
    const seen = new Set(Array.from({ length: 60 }, () => pickBatchSize(rng, AUGMENT_PRESETS['kdscfnet-train'])[0]));
    expect([...seen].sort((a, b) => a - b)).toEqual([224, 256, 288, 320, 352]);
    expect(pickBatchSize(rng, AUGMENT_PRESETS['cityscapes-train'])).toEqual([512, 1024]);
    expect(() => augmentPreset('nope')).toThrow(/--augment: unknown preset 'nope'/);
  });
});
