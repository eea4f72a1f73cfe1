import { describe, expect, it } from 'vitest';
import { learningRate, type LrSchedule } from './lr-schedule.ts';

/** The two formulas the schedule replaced, verbatim, as the reference. */
const oldDense = (s: LrSchedule, step: number, total: number): number => {
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return s.lr * (0.01 + (0.99 * step) / warm);
  const t = Math.min(1, (step - warm) / Math.max(1, total - warm));
  if (s.schedule === 'poly') return s.lr * Math.pow(1 - t, 0.9);
  if (s.schedule === 'cosine') return s.lr * 0.5 * (1 + Math.cos(Math.PI * t));
  return s.lr;
};
const oldYolox = (lr: number, step: number, total: number, warmup: number): number => {
  if (step < warmup) return lr * (0.1 + (0.9 * step) / warmup);
  const t = total > warmup ? (step - warmup) / (total - warmup) : 1;
  return lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
};

describe('learningRate', () => {
  it('gives bit-identical values to the dense recipes formula (constant, poly, cosine, warm-up)', () => {
    for (const schedule of ['constant', 'poly', 'cosine'] as const) {
      for (const warmupSteps of [0, 7]) {
        const s = { lr: 0.0123, schedule, warmupSteps };
        for (let step = 0; step < 90; step++) expect(learningRate(s, step, 90)).toBe(oldDense(s, step, 90));
      }
    }
  });

  it('the YOLOX preset (warm-up from lr/10, cosine to 0.05·lr) is bit-identical to its old formula', () => {
    const s = { lr: 0.002, schedule: 'cosine', warmupSteps: 12, warmupFrom: 0.1, floor: 0.05 } as const;
    for (let step = 0; step <= 120; step++) expect(learningRate(s, step, 120)).toBe(oldYolox(0.002, step, 120, 12));
    const one = { ...s, lr: 1, warmupSteps: 10 };
    expect([0, 10, 55, 100].map((k) => learningRate(one, k, 100))).toEqual([0.1, 1, oldYolox(1, 55, 100, 10), 0.05]);
    expect(learningRate(one, 55, 100)).toBeCloseTo(0.525, 12);
  });

  it("'yolox' is YOLOX's yoloxwarmcos: (step/W)² warm-up from 0, cosine to 0.05·lr, flat for the last F steps", () => {
    // lr 0.01, W = 5 epochs × 10 steps, F = 15 epochs × 10, total = 120 epochs × 10 (the paper's Fall run, 10 steps/epoch).
    const s = { lr: 0.01, schedule: 'yolox', warmupSteps: 50, flatSteps: 150, floor: 0.05 } as const;
    const at = (k: number) => learningRate(s, k, 1200);
    expect(at(0)).toBe(0);
    expect(at(10)).toBeCloseTo(0.01 * (10 / 50) ** 2, 15); // 4e-4
    expect(at(25)).toBeCloseTo(0.0025, 15);
    expect(at(50)).toBe(0.01);
    // halfway through the cosine part (50 + 1000/2): min + ½(lr − min) = 0.0005 + 0.00475
    expect(at(550)).toBeCloseTo(0.00525, 15);
    expect(at(1049)).toBeCloseTo(0.0005 + 0.5 * 0.0095 * (1 + Math.cos((Math.PI * 999) / 1000)), 15);
    for (const k of [1050, 1100, 1199]) expect(at(k)).toBe(0.0005);
    // no warm-up, no flat part: plain cosine to the floor
    expect(learningRate({ lr: 1, schedule: 'yolox', floor: 0.05 }, 50, 100)).toBeCloseTo(0.525, 12);
  });

  it("multistep is PyTorch MultiStepLR: CSNet's ×0.1 at epochs 200 and 250 of 300 (440 steps an epoch)", () => {
    const s = { lr: 1e-4, schedule: 'multistep', milestones: [2 / 3, 5 / 6] } as const;
    const total = 300 * 440;
    const at = (epoch: number, k = 0) => learningRate(s, epoch * 440 + k, total);
    expect([at(0), at(199, 439)]).toEqual([1e-4, 1e-4]);
    expect([at(200), at(249, 439)]).toEqual([1e-4 * 0.1, 1e-4 * 0.1]);
    expect([at(250), at(299, 439)]).toEqual([1e-4 * 0.01, 1e-4 * 0.01]);
    // the quick profile's 18 epochs of 25 steps: drops at epochs 12 and 15
    const q = (step: number) => learningRate({ ...s, lr: 0.02, gamma: 0.5 }, step, 450);
    expect([q(299), q(300), q(374), q(375)]).toEqual([0.02, 0.01, 0.01, 0.005]);
  });
});
