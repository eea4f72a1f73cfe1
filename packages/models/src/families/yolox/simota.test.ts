import { describe, expect, it } from 'vitest';
import { makePriors } from './priors.ts';
import { simOta } from './simota.ts';

/** 64×64 input: 8×8 + 4×4 + 2×2 = 84 points. */
const priors = makePriors(64, 64, [8, 16, 32]);
/** Index of the stride-8 point whose cell is (gx, gy) (centre ((gx+½)·8, (gy+½)·8)). */
const p8 = (gx: number, gy: number) => gy * 8 + gx;
const far = [60, 60, 61, 61];

function preds(overrides: Record<number, number[]>, score = 0.5, K = 2) {
  const boxes = new Float32Array(priors.count * 4);
  for (let p = 0; p < priors.count; p++) boxes.set(overrides[p] ?? far, 4 * p);
  return { boxes, scores: new Float32Array(priors.count * K).fill(score) };
}

const fgPoints = (assigned: Int32Array) => [...assigned].map((g, p) => [p, g]).filter(([, g]) => g >= 0);

describe('simOta', () => {
  it('dynamic k = ⌊Σ top IoUs⌋ picks the cheapest candidates (k = ⌊1 + 1 + 0.5⌋ = 2)', () => {
    const gt = [16, 16, 48, 48];
    const half = [16, 16, 48, 32]; // IoU 0.5 with gt
    const { boxes, scores } = preds({ [p8(3, 3)]: gt, [p8(4, 4)]: gt, [p8(3, 4)]: half });
    const r = simOta({ priors, predBoxes: boxes, predScores: scores, numClasses: 2, gtBoxes: gt, gtClasses: [1] });
    expect(fgPoints(r.assigned)).toEqual([
      [p8(3, 3), 0],
      [p8(4, 4), 0],
    ]);
    expect(r.numFg).toBe(2);
    expect(r.iou[p8(3, 3)]).toBeCloseTo(1, 6);
    expect(r.iou[p8(4, 4)]).toBeCloseTo(1, 6);
  });

  it('a point outside the centre region (r = 2.5 strides) pays the 1e8 penalty and loses to a worse in-region point', () => {
    const gt = [0, 0, 64, 64]; // centre (32,32); centre square for stride 8: (12, 52)
    const { boxes, scores } = preds({ [p8(0, 0)]: gt, [p8(3, 3)]: [8, 8, 56, 56] }); // IoU 1 at (4,4) centre (outside), IoU 0.5625 inside
    const r = simOta({ priors, predBoxes: boxes, predScores: scores, numClasses: 2, gtBoxes: gt, gtClasses: [0] });
    // top IoUs sum 1.5625 → k = 1: the in-region point wins
    expect(fgPoints(r.assigned)).toEqual([[p8(3, 3), 0]]);
    expect(r.iou[p8(3, 3)]).toBeCloseTo(0.5625, 6);
  });

  it('a point claimed by two gts goes to the cheaper one', () => {
    const a = [8, 8, 40, 40],
      b = [16, 16, 48, 48];
    // the point (3,3) predicts a box much closer to b; both gts contain its centre (28,28) in box and centre region
    const { boxes, scores } = preds({ [p8(3, 3)]: [17, 17, 48, 48] });
    const r = simOta({
      priors,
      predBoxes: boxes,
      predScores: scores,
      numClasses: 2,
      gtBoxes: [...a, ...b],
      gtClasses: [0, 0],
    });
    expect(r.assigned[p8(3, 3)]).toBe(1);
    // gt a had k = 1 and lost its only choice: it ends with no point (SimOTA does not re-assign)
    expect(fgPoints(r.assigned).filter(([, g]) => g === 0)).toEqual([]);
  });

  it('the classification cost breaks IoU ties: the point that scores the gt class higher wins', () => {
    const gt = [16, 16, 48, 48];
    const { boxes, scores } = preds({ [p8(3, 3)]: gt, [p8(4, 4)]: gt });
    scores[p8(4, 4) * 2 + 1] = 0.9; // class 1 score of point (4,4)
    // IoUs sum to 2 → k = 2 takes both; with a third gt-sized prediction elsewhere, k = 3
    const r = simOta({ priors, predBoxes: boxes, predScores: scores, numClasses: 2, gtBoxes: gt, gtClasses: [1] });
    expect(r.numFg).toBe(2);
    const r1 = simOta(
      { priors, predBoxes: boxes, predScores: scores, numClasses: 2, gtBoxes: gt, gtClasses: [1] },
      { candidateTopk: 1 },
    );
    expect(fgPoints(r1.assigned)).toEqual([[p8(4, 4), 0]]);
  });

  it('no gt, or no candidate point: everything is background', () => {
    const { boxes, scores } = preds({});
    expect(
      simOta({ priors, predBoxes: boxes, predScores: scores, numClasses: 2, gtBoxes: [], gtClasses: [] }).numFg,
    ).toBe(0);
    // a box entirely beyond the input, whose centre square also misses every point centre
    const r = simOta({
      priors,
      predBoxes: boxes,
      predScores: scores,
      numClasses: 2,
      gtBoxes: [500, 500, 510, 510],
      gtClasses: [0],
    });
    expect(r.numFg).toBe(0);
    expect([...r.assigned].every((g) => g === -1)).toBe(true);
  });
});
