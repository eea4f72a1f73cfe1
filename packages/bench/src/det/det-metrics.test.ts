import { describe, expect, it } from 'vitest';
import { DataError } from '@kd/core';
import { expectClose, readFixture } from '../testing/fixtures.ts';
import { parseDetCase } from './det-case.ts';
import { ap11Point, apAllPoint, vocEval, vocIoU, type VocResult } from './voc-eval.ts';
import { cocoEval, type CocoResult } from './coco-eval.ts';
import { COCO_IOU_THRS, COCO_REC_THRS } from './coco-match.ts';

interface DetFixtureCase {
  name: string;
  [k: string]: unknown;
  expected: {
    voc07: VocResult;
    voc_all_point: VocResult;
    voc07_no_plus_one: VocResult;
    voc_all_point_no_plus_one: VocResult;
    coco: CocoResult;
  };
}

// Expected values: tools/reference/metrics/det_reference.py (numpy ports of voc_eval and COCOeval).
const fx = readFixture<{ cases: DetFixtureCase[] }>('det-cases.json');
const COCO_KEYS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;

function expectVoc(got: VocResult, exp: VocResult, label: string): void {
  expectClose(got.mAP, exp.mAP, 1e-12, `${label} mAP`);
  expect(Object.keys(got.per_class).sort()).toEqual(Object.keys(exp.per_class).sort());
  for (const k of Object.keys(exp.per_class)) expectClose(got.per_class[k], exp.per_class[k], 1e-12, `${label} ${k}`);
}

describe.each(fx.cases.map((c) => [c.name, c] as const))('detection case: %s', (_n, c) => {
  const dc = parseDetCase(c, `${c.name}.json`);
  it('VOC07 11-point and all-point, with and without +1', () => {
    expectVoc(vocEval(dc, { use07: true }), c.expected.voc07, 'voc07');
    expectVoc(vocEval(dc, { use07: false }), c.expected.voc_all_point, 'all-point');
    expectVoc(vocEval(dc, { use07: true, plusOne: false }), c.expected.voc07_no_plus_one, 'voc07 no+1');
    expectVoc(vocEval(dc, { use07: false, plusOne: false }), c.expected.voc_all_point_no_plus_one, 'all-point no+1');
  });
  it('COCO twelve stats and per-class AP', () => {
    const got = cocoEval(dc);
    for (const k of COCO_KEYS) expectClose(got[k], c.expected.coco[k], 1e-12, k);
    for (const k of Object.keys(c.expected.coco.per_class_AP))
      expectClose(got.per_class_AP[k], c.expected.coco.per_class_AP[k], 1e-12, `AP ${k}`);
  });
});

describe('VOC building blocks (hand-computed)', () => {
  it.each([
    // [a, b, plus, IoU]: with +1, [0,0,9,9] is 10×10 and [0,0,9,4] is 10×5 → 50/100
    [[0, 0, 9, 9], [0, 0, 9, 4], 1, 0.5],
    [[0, 0, 10, 10], [0, 0, 10, 5], 0, 0.5],
    [[0, 0, 10, 10], [20, 20, 30, 30], 1, 0],
    // touching edges overlap by one pixel column with +1: 1×11 / (121 + 121 − 11)
    [[0, 0, 10, 10], [10, 0, 20, 10], 1, 11 / 231],
  ] as const)('vocIoU(%j, %j, +%d) = %d', (a, b, plus, iou) => {
    expectClose(vocIoU([...a], [...b], plus), iou, 1e-15);
  });

  it('11-point AP uses thresholds i·0.1 in float64 (0.30000000000000004 excludes recall 0.3)', () => {
    // recall reaches exactly 0.3 at precision 1, then 0.6 at precision 0.5:
    // t = 0, 0.1, 0.2 → 1; t = 0.30000000000000004 > 0.3 → 0.5; t = 0.4, 0.5 → 0.5;
    // t = 0.6000000000000001 > 0.6 → 0 … → (3·1 + 3·0.5)/11
    expectClose(ap11Point([0.3, 0.6], [1, 0.5]), 4.5 / 11, 1e-15);
  });

  it('all-point AP: monotone envelope × recall steps', () => {
    // recall 0.5 @ 1, 0.5 @ 0.5, 1 @ 0.6667 → 0.5·1 + 0.5·0.6667
    expectClose(apAllPoint([0.5, 0.5, 1], [1, 0.5, 2 / 3]), 0.5 + 1 / 3, 1e-15);
  });
});

describe('COCO constants', () => {
  it('IoU and recall thresholds are numpy linspace values', () => {
    expect(COCO_IOU_THRS[5]).toBe(0.75);
    expect(COCO_IOU_THRS[8]).toBe(0.8999999999999999);
    expect(COCO_REC_THRS.length).toBe(101);
    expect(COCO_REC_THRS[100]).toBe(1);
  });
});

describe('parseDetCase: bad input names the file and the entry', () => {
  const base = {
    gt: [{ image_id: 1, class: 'a', bbox: [0, 0, 5, 5] }],
    dets: [{ image_id: 1, class: 'a', score: 0.5, bbox: [0, 0, 5, 5] }],
  };
  it.each([
    [
      { ...base, gt: [{ image_id: 1, class: 'a', bbox: [0, 0, 5] }] },
      /case\.json: gt\[0\]\.bbox: expected \[x1, y1, x2, y2\]/,
    ],
    [{ ...base, gt: [{ image_id: 1, class: 'a', bbox: [5, 0, 4, 5] }] }, /gt\[0\]\.bbox: expected x2 >= x1/],
    [{ ...base, dets: [{ image_id: 1, class: 'a', score: 0.5, bbox: [0, 0, 'x', 5] }] }, /dets\[0\]\.bbox/],
    [
      { ...base, dets: [{ image_id: 1, class: 'a', bbox: [0, 0, 5, 5] }] },
      /dets\[0\]\.score: expected a finite number/,
    ],
    [{ ...base, images: [2] }, /image 1 is used by a gt or detection but not listed in "images"/],
    [{ gt: [] }, /"dets" must be an array/],
  ])('%#', (json, re) => {
    expect(() => parseDetCase(json, 'case.json')).toThrow(DataError);
    expect(() => parseDetCase(json, 'case.json')).toThrow(re);
  });

  it('collects and sorts images and classes when not listed (numbers before strings)', () => {
    const c = parseDetCase({
      gt: [
        { image_id: 'b', class: 2, bbox: [0, 0, 1, 1] },
        { image_id: 10, class: 1, bbox: [0, 0, 1, 1] },
      ],
      dets: [{ image_id: 9, class: 'z', score: 1, bbox: [0, 0, 1, 1] }],
    });
    expect(c.images).toEqual([9, 10, 'b']);
    expect(c.classes).toEqual([1, 2, 'z']);
  });
});
