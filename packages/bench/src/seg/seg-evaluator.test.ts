import { describe, expect, it } from 'vitest';
import { DataError } from '@kd/core';
import { expectClose, readFixture } from '../testing/fixtures.ts';
import { SegEvaluator, type SegScores } from './seg-evaluator.ts';
import { CITYSCAPES_LABELID_TO_TRAINID, cityscapesLabelIdsToTrainIds } from './cityscapes-ids.ts';
import { perImageIou } from './per-image-iou.ts';
import { reducePerImage } from '../claims/per-image-stat.ts';

interface SegCase {
  name: string;
  num_classes: number;
  ignore_index: number;
  images: { pred: number[]; gt: number[] }[];
  expected: Pick<SegScores, 'IoU' | 'mIoU' | 'Acc' | 'mAcc' | 'Dice' | 'mDice' | 'aAcc'>;
}

// Expected values: tools/reference/metrics/seg_reference.py (numpy port of mmseg IoUMetric).
const fx = readFixture<{ cases: SegCase[] }>('seg-cases.json');

describe('SegEvaluator (mmseg conventions)', () => {
  it.each(fx.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const ev = new SegEvaluator({ numClasses: c.num_classes, ignoreIndex: c.ignore_index });
    c.images.forEach((im, i) => ev.add(im.pred, im.gt, `img${i}`));
    const s = ev.summary();
    for (const k of ['IoU', 'Acc', 'Dice'] as const) {
      expect(s[k].length).toBe(c.num_classes);
      s[k].forEach((v, i) => expectClose(v, c.expected[k][i], 1e-12, `${k}[${i}]`));
    }
    for (const k of ['mIoU', 'mAcc', 'mDice', 'aAcc'] as const) expectClose(s[k], c.expected[k], 1e-12, k);
    expect(s.num_images).toBe(c.images.length);
  });

  it('hand case: confusion matrix rows are gt, columns prediction; ignore pixels dropped', () => {
    // pred [0,1,1,2,2,0], gt [0,1,2,2,255,1]: (0,0) (1,1) (2,1) (2,2) (1,0); pixel 4 ignored.
    const ev = new SegEvaluator({ numClasses: 3 });
    ev.add([0, 1, 1, 2, 2, 0], [0, 1, 2, 2, 255, 1]);
    expect(ev.summary().confusion_matrix).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('out-of-range predictions are counted per gt class, outside the matrix', () => {
    const ev = new SegEvaluator({ numClasses: 3 });
    ev.add([0, 7, 255, 2, 3], [0, 0, 1, 2, 2]);
    const s = ev.summary();
    expect(s.out_of_range_pred).toEqual([1, 1, 1]);
    expect(s.confusion_matrix).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 1],
    ]);
  });

  it.each([
    [3, 'outside \\[0, 3\\)'],
    [-1, 'outside'],
    [254, 'not the ignore index 255'],
  ])('gt value %d is a DataError naming the image', (v, msg) => {
    const ev = new SegEvaluator({ numClasses: 3 });
    expect(() => ev.add([0, 0], [0, v as number], 'a.png')).toThrow(DataError);
    expect(() => ev.add([0, 0], [0, v as number], 'a.png')).toThrow(new RegExp(`a\\.png.*${msg}`));
  });

  it('size mismatch is a DataError', () => {
    expect(() => new SegEvaluator({ numClasses: 2 }).add([0], [0, 1], 'b.png')).toThrow(
      /b\.png: prediction has 1 pixels, ground truth 2/,
    );
  });
});

describe('Cityscapes labelId → trainId', () => {
  it('matches the official table (19 classes, the rest 255)', () => {
    const expected: Record<number, number> = {
      7: 0,
      8: 1,
      11: 2,
      12: 3,
      13: 4,
      17: 5,
      19: 6,
      20: 7,
      21: 8,
      22: 9,
      23: 10,
      24: 11,
      25: 12,
      26: 13,
      27: 14,
      28: 15,
      31: 16,
      32: 17,
      33: 18,
    };
    for (let id = 0; id <= 33; id++) expect(CITYSCAPES_LABELID_TO_TRAINID[id]).toBe(expected[id] ?? 255);
  });

  it('maps -1 (license plate) to 255 and rejects ids outside the table', () => {
    expect([...cityscapesLabelIdsToTrainIds([-1, 0, 7, 33])]).toEqual([255, 255, 0, 18]);
    expect(() => cityscapesLabelIdsToTrainIds([7, 34], 'f.png')).toThrow(
      /f\.png: value 34 at pixel 1 is not a Cityscapes labelId/,
    );
  });
});

describe('perImageIou', () => {
  it("summed over images and reduced, equals the evaluator's mIoU", () => {
    const C = 4;
    const ev = new SegEvaluator({ numClasses: C });
    const vectors: number[][] = [];
    let s = 12345;
    const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let img = 0; img < 5; img++) {
      const gt = Array.from({ length: 64 }, () => (next() < 0.1 ? 255 : Math.floor(next() * (img === 0 ? 3 : C))));
      const pred = gt.map((g) => (next() < 0.6 && g !== 255 ? g : Math.floor(next() * C)));
      ev.add(pred, gt);
      vectors.push(perImageIou(pred, gt, C));
    }
    const all = vectors.map((_, i) => i);
    expect(reducePerImage({ reduce: 'miou', vectors }, all)).toBeCloseTo(ev.summary().mIoU!, 12);
    // A hand case: pred [0,1,1], gt [0,0,255] → I = [1,0], U = [2,1].
    expect(perImageIou([0, 1, 1], [0, 0, 255], 2)).toEqual([1, 0, 2, 1]);
  });
});
