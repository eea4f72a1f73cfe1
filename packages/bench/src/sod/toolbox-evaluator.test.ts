import { describe, expect, it } from 'vitest';
import { ToolboxEvaluator } from './toolbox-evaluator.ts';

/** 4×4 gt with its left half salient (0/255). */
const GT = { data: Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 255 : 0)), width: 4, height: 4 };

describe('ToolboxEvaluator (KD-SCFNet saliency_toolbox.py conventions)', () => {
  it('a perfect map: MAE 0, maxF 1, meanF (F(th=0) + 255)/256, S 1, adaptive E = 16/15', () => {
    const ev = new ToolboxEvaluator();
    ev.add(GT, GT);
    const s = ev.summary();
    // th = 0 selects every pixel: P = 0.5, R = 1 → F = 1.3·0.5/(0.15 + 1).
    const f0 = (1.3 * 0.5) / (0.3 * 0.5 + 1);
    expect(s.MAE).toBe(0);
    expect(s.maxFm).toBeCloseTo(1, 12);
    expect(s.meanFm).toBeCloseTo((f0 + 255) / 256, 12);
    expect(s.Smeasure).toBeCloseTo(1, 12);
    expect(s.adpEm).toBeCloseTo(16 / 15, 12);
    expect(s.num_images).toBe(1);
  });

  it('normalises the prediction per image (×0.5 scores as the full map) and binarises gt at ≥ 0.5 after min–max', () => {
    const half = { ...GT, data: GT.data.map((v) => Math.floor(v / 2) + 10) };
    const a = new ToolboxEvaluator();
    a.add(half, GT);
    const b = new ToolboxEvaluator();
    b.add(GT, { ...GT, data: GT.data.map((v) => (v ? 140 : 20)) }); // (140−20)/120 = 1 ≥ 0.5
    expect(a.summary()).toEqual(b.summary());
    expect(a.summary().MAE).toBe(0);
  });

  it('a constant prediction normalises to 0 (cv2 NORM_MINMAX): MAE = the salient fraction; an empty gt adds no P/R', () => {
    const ev = new ToolboxEvaluator();
    const flat = { ...GT, data: new Array(16).fill(200) };
    expect(ev.add(flat, GT).MAE).toBe(0.5);
    ev.add(GT, { ...GT, data: new Array(16).fill(0) });
    expect(ev.summary().num_images).toBe(2);
    expect(() => ev.add({ ...GT, width: 2, height: 8 }, GT)).toThrow('prediction is 2×8, ground truth 4×4');
  });
});
