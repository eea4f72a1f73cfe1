import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../table/result-row.ts';
import type { ClaimSpec, PreconditionSpec } from './claim-spec.ts';
import { claimRows, claimsMarkdown, scorecardMarkdown, verdictCounts } from './claims-table.ts';
import { judgeClaims, verdictOf } from './judge-claims.ts';
import { pairedBootstrap } from './paired-bootstrap.ts';
import { pairedInterval } from './paired-interval.ts';
import { reducePerImage } from './per-image-stat.ts';

const T975_2 = 4.302652729749464; // t_{0.975, 2}

/** Raw rows: variant → per-seed metric values (seeds 1..n). */
function rows(metric: string, table: Record<string, number[]>, extra: ResultRow = {}): ResultRow[] {
  return Object.entries(table).flatMap(([variant, vals]) =>
    vals.map((v, i) => ({ variant, seed: i + 1, status: 'ok', [metric]: v, n_test: 24, ...extra })),
  );
}
const claim = (over: Partial<ClaimSpec> = {}): ClaimSpec => ({
  id: 'kd',
  paper: 'P',
  says: 'KD beats no KD',
  better: 'KD',
  than: 'no KD',
  metric: 'mIoU',
  direction: 'higher',
  ...over,
});
const pre: PreconditionSpec = {
  teacher: 'teacher',
  student: 'no KD',
  metric: 'mIoU',
  direction: 'higher',
  margin: 0.05,
};

describe('pairedInterval', () => {
  it('equals the hand-computed t interval (n = 3)', () => {
    const iv = pairedInterval([0.02, 0.03, 0.04]);
    const half = (T975_2 * 0.01) / Math.sqrt(3); // 0.024841…
    expect(iv.mean).toBeCloseTo(0.03, 12);
    expect(iv.sd).toBeCloseTo(0.01, 12);
    expect(iv.low).toBeCloseTo(0.03 - half, 9);
    expect(iv.high).toBeCloseTo(0.03 + half, 9);
    expect(iv.low).toBeCloseTo(0.005158623, 8);
    expect(iv.agree).toBe(3);
  });
  it('one value gives an unbounded interval', () => {
    const iv = pairedInterval([0.5]);
    expect([iv.low, iv.high]).toEqual([-Infinity, Infinity]);
  });
});

describe('verdictOf', () => {
  it('an interval touching 0 is inconclusive, strictly inside one side is not', () => {
    expect(verdictOf(0, 0.5)).toBe('inconclusive');
    expect(verdictOf(-0.5, 0)).toBe('inconclusive');
    expect(verdictOf(1e-12, 0.5)).toBe('reproduced');
    expect(verdictOf(-0.5, -1e-12)).toBe('contradicted');
  });
  it('non-inferiority compares with −margin', () => {
    expect(verdictOf(-0.009, -0.001, 0.01)).toBe('reproduced');
    expect(verdictOf(-0.02, -0.011, 0.01)).toBe('contradicted');
    expect(verdictOf(-0.02, 0.01, 0.01)).toBe('inconclusive');
  });
});

describe('judgeClaims', () => {
  const teacher = [0.4, 0.41, 0.42];
  it('reproduced, contradicted and inconclusive on 3 paired seeds', () => {
    const raw = rows('mIoU', {
      teacher,
      'no KD': [0.2, 0.25, 0.3],
      KD: [0.22, 0.28, 0.34],
      bad: [0.18, 0.22, 0.26],
      flat: [0.2, 0.25, 0.3],
    });
    const { claims, preconditions } = judgeClaims(
      raw,
      [claim(), claim({ id: 'bad', better: 'bad' }), claim({ id: 'flat', better: 'flat' })],
      { precondition: pre },
    );
    expect(preconditions).toHaveLength(1);
    expect(preconditions[0].holds).toBe(true);
    const [kd, bad, flat] = claims;
    expect(kd.mean_diff).toBeCloseTo(0.03, 12);
    expect(kd.ci_low).toBeCloseTo(0.005158623, 8);
    expect([kd.seeds, kd.agree, kd.verdict, kd.n_test]).toEqual(['1;2;3', '3/3', 'reproduced', 24]);
    expect(bad.ci_high).toBeCloseTo(-0.005158623, 8);
    expect(bad.verdict).toBe('contradicted');
    // Identical rows: every difference 0, interval [0, 0] touches 0.
    expect([flat.mean_diff, flat.ci_low, flat.ci_high, flat.verdict, flat.agree]).toEqual([
      0,
      0,
      0,
      'inconclusive',
      '0/3',
    ]);
  });
  it('lower-is-better metrics are oriented than − better', () => {
    const raw = rows('MAE', { 'no KD': [0.05, 0.06, 0.07], KD: [0.04, 0.05, 0.06] });
    const [r] = judgeClaims(raw, [claim({ metric: 'MAE', direction: 'lower' })]).claims;
    expect(r.mean_diff).toBeCloseTo(0.01, 12);
    expect(r.ci_low).toBeCloseTo(0.01, 12); // every difference is exactly 0.01: sd 0
    expect(r.verdict).toBe('reproduced');
  });
  it('2 seeds are untestable, with the interval still reported', () => {
    const raw = rows('mIoU', { teacher: [0.4, 0.41], 'no KD': [0.2, 0.25], KD: [0.22, 0.28] });
    const [r] = judgeClaims(raw, [claim()], { precondition: pre }).claims;
    expect(r.verdict).toBe('untestable');
    expect(r.reason).toBe('2 paired seeds (needs 3)');
    expect(r.mean_diff).toBeCloseTo(0.025, 12);
    // t_{0.975,1} = 12.7062: half-width 12.7062 · 0.00707107 / √2.
    expect(r.ci_high! - r.ci_low!).toBeCloseTo(2 * 12.706204736 * (0.0070710678 / Math.SQRT2), 6);
  });
  it('a failed precondition makes every gated claim untestable, exempt ones are judged', () => {
    const raw = rows('mIoU', { teacher: [0.21, 0.24, 0.31], 'no KD': [0.2, 0.25, 0.3], KD: [0.22, 0.28, 0.34] });
    const res = judgeClaims(raw, [claim(), claim({ id: 'other' })], { precondition: { ...pre, exempt: ['other'] } });
    expect(res.preconditions[0].holds).toBe(false);
    expect(res.preconditions[0].reason).toMatch(/less than the margin 0\.05/);
    expect(res.claims[0].verdict).toBe('untestable');
    expect(res.claims[0].reason).toMatch(/^precondition fails/);
    expect(res.claims[1].verdict).toBe('reproduced');
  });
  it('a teacher ahead on average but not resolved from 0 fails the precondition', () => {
    const raw = rows('mIoU', { teacher: [0.5, 0.2, 0.45], 'no KD': [0.2, 0.25, 0.3], KD: [0.22, 0.28, 0.34] });
    const { preconditions } = judgeClaims(raw, [claim()], { precondition: pre });
    expect(preconditions[0].holds).toBe(false);
    expect(preconditions[0].reason).toMatch(/not resolved from 0/);
  });
  it('pairs only seeds both rows finished, at the claim’s grid point (grid-less rows match any point)', () => {
    const raw: ResultRow[] = [
      ...rows('mIoU', { teacher }),
      ...rows('mIoU', { 'no KD': [0.2, 0.25, 0.3], KD: [0.22, 0.28, 0.34] }, { student: 'os16' }),
      ...rows('mIoU', { 'no KD': [0.3, 0.3, 0.3], KD: [0.1, 0.1, 0.1] }, { student: 'os8' }),
      { variant: 'KD', seed: 4, status: 'ok', mIoU: 0.9, student: 'os16' },
      { variant: 'no KD', seed: 5, status: 'failed', mIoU: null, student: 'os16' },
    ];
    const res = judgeClaims(raw, [claim({ at: { student: 'os16' } }), claim({ id: 'os8', at: { student: 'os8' } })], {
      precondition: pre,
    });
    expect(res.claims.map((c) => [c.seeds, c.verdict])).toEqual([
      ['1;2;3', 'reproduced'],
      ['1;2;3', 'contradicted'],
    ]);
    expect(res.preconditions.map((p) => p.spec.at)).toEqual([{ student: 'os16' }, { student: 'os8' }]);
    expect(() => judgeClaims(raw, [claim()])).toThrow(/two finished rows of 'KD' for seed 1/);
  });
  it('a single seed gets a per-image bootstrap interval and stays untestable', () => {
    const raw: ResultRow[] = [
      { variant: 'KD', seed: 1, status: 'ok', MAE: 0.04, run: 'a' },
      { variant: 'no KD', seed: 1, status: 'ok', MAE: 0.05, run: 'b' },
    ];
    const names = ['x', 'y', 'z', 'w'];
    const per: Record<string, number[]> = { a: [0.01, 0.03, 0.05, 0.07], b: [0.02, 0.04, 0.06, 0.08] };
    const [r] = judgeClaims(raw, [claim({ metric: 'MAE', direction: 'lower' })], {
      perImage: (row) => ({ metric: 'MAE', reduce: 'mean', names, vectors: per[String(row.run)].map((v) => [v]) }),
    }).claims;
    // Every image improves by exactly 0.01, so every resample does too.
    expect(r.boot_low).toBeCloseTo(0.01, 12);
    expect(r.boot_high).toBeCloseTo(0.01, 12);
    expect(r.verdict).toBe('untestable');
  });
});

describe('per-image bootstrap', () => {
  it('mIoU from summed per-class intersections and unions', () => {
    // 2 classes; image 0: I=[2,1], U=[4,2]; image 1: I=[0,3], U=[0,3] (class 0 absent).
    const stat = {
      reduce: 'miou' as const,
      vectors: [
        [2, 1, 4, 2],
        [0, 3, 0, 3],
      ],
    };
    expect(reducePerImage(stat, [0, 1])).toBeCloseTo((2 / 4 + 4 / 5) / 2, 12);
    expect(reducePerImage(stat, [1, 1])).toBeCloseTo(1, 12); // class 0 never present: left out
  });
  it('is paired by image name and reproducible', () => {
    const a = { metric: 'MAE', reduce: 'mean' as const, names: ['p', 'q', 'r'], vectors: [[0.1], [0.5], [0.2]] };
    const b = { metric: 'MAE', reduce: 'mean' as const, names: ['r', 'p', 'q'], vectors: [[0.3], [0.2], [0.6]] };
    const x = pairedBootstrap(a, b, { sign: -1, seed: 7, resamples: 500 });
    expect(x.diff).toBeCloseTo(0.1, 12); // every image: b − a = 0.1
    expect([x.low, x.high].map((v) => Number(v.toFixed(12)))).toEqual([0.1, 0.1]);
    expect(pairedBootstrap(a, b, { sign: -1, seed: 7, resamples: 500 })).toEqual(x);
    expect(() => pairedBootstrap(a, { ...b, names: ['r', 'p', 's'] }, { sign: 1 })).toThrow(
      /image 'q' is scored in one row/,
    );
  });
});

describe('claims outputs', () => {
  it('CSV rows, Markdown section and scorecard carry the verdicts', () => {
    const raw = rows('mIoU', { teacher: [0.4, 0.41, 0.42], 'no KD': [0.2, 0.25, 0.3], KD: [0.22, 0.28, 0.34] });
    const { claims, preconditions } = judgeClaims(raw, [claim({ paperDelta: 0.02 })], { precondition: pre });
    expect(claimRows(claims)[0]).toMatchObject({
      claim: 'kd',
      seeds: '1;2;3',
      mean_diff: 0.03,
      ci_low: 0.00515862,
      verdict: 'reproduced',
      paper_delta: 0.02,
    });
    const md = claimsMarkdown(claims, preconditions);
    expect(md).toContain('**Verdicts: 1 reproduced.**');
    expect(md).toContain(
      '| kd | KD beats no KD (P) | mIoU | KD | no KD | 3 | +0.0300 | +0.0052 … +0.0548 | 3/3 | **reproduced** | +0.0200 |',
    );
    expect(md).toMatch(
      /Precondition\*\* \(teacher beats “no KD” by ≥ 0\.05 mIoU\): holds — teacher − no KD = \+0\.1600 mIoU \(3\.2 student σ\)/,
    );
    expect(verdictCounts([...claims, { verdict: 'untestable' }])).toBe('1 reproduced, 1 untestable');
    expect(scorecardMarkdown([{ experiment: 'x', link: 'x.md', claims }])).toContain(
      '| [x](x.md) | kd | KD beats no KD | 3 | +0.0300 [+0.0052, +0.0548] mIoU | **reproduced** |',
    );
  });
});
