import type { Cell, ResultRow } from '../table/result-row.ts';
import type { ClaimSpec, MetricDirection, PreconditionSpec, Verdict } from './claim-spec.ts';
import { pairedBootstrap, type BootstrapInterval } from './paired-bootstrap.ts';
import { pairedInterval, type PairedInterval } from './paired-interval.ts';
import type { PerImageStat } from './per-image-stat.ts';

/** Fewest paired seeds a verdict other than `untestable` needs. */
export const MIN_CLAIM_SEEDS = 3;

/** One judged claim: the columns of `<name>.claims.csv`. */
export interface ClaimResult {
  claim: string;
  paper: string;
  says: string;
  metric: string;
  better: string;
  than: string;
  /** `;`-separated seeds both rows finished. */
  seeds: string;
  mean_diff: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Seeds whose difference has the claimed sign, as `k/n`. */
  agree: string;
  verdict: Verdict;
  /** Why, in a few words (e.g. `2 seeds`, `teacher not better than no KD by 0.01`). */
  reason: string;
  paper_delta: number | null;
  margin: number;
  /** Per-image bootstrap interval of the difference (single-seed comparisons only). */
  boot_low: number | null;
  boot_high: number | null;
  n_test: number | null;
}

/** The precondition as judged on the table's rows. */
export interface PreconditionResult {
  spec: PreconditionSpec;
  holds: boolean;
  /** Paired teacher − no-KD differences (oriented: positive = teacher better); null with no common seed. */
  interval: PairedInterval | null;
  /** The no-KD row's seed standard deviation, to express the gap in student σ. */
  studentSd: number | null;
  reason: string;
}

export interface JudgeOptions {
  precondition?: PreconditionSpec;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Per-image statistics of a finished run (by its `run` cell), for single-seed bootstrap intervals. */
  perImage?: (row: ResultRow) => PerImageStat | null;
}

const sign = (d: MetricDirection): 1 | -1 => (d === 'higher' ? 1 : -1);
const isOk = (r: ResultRow) => r.status === undefined || r.status === null || r.status === 'ok';

/** Rows of one variant at a grid point (a row without a grid value matches every point), by seed. */
function rowsBySeed(
  raw: readonly ResultRow[],
  variant: string,
  at: Record<string, Cell> | undefined,
  metric: string,
): Map<number, ResultRow> {
  const out = new Map<number, ResultRow>();
  for (const r of raw) {
    if (r.variant !== variant || !isOk(r) || typeof r[metric] !== 'number' || Number.isNaN(r[metric])) continue;
    if (at && Object.entries(at).some(([k, v]) => r[k] !== null && r[k] !== undefined && r[k] !== '' && r[k] !== v))
      continue;
    const seed = Number(r.seed);
    if (out.has(seed))
      throw new Error(
        `claims: two finished rows of '${variant}' for seed ${seed}${at ? ` at ${JSON.stringify(at)}` : ''}; give the claim an 'at' grid point`,
      );
    out.set(seed, r);
  }
  return out;
}

function paired(
  raw: readonly ResultRow[],
  better: string,
  than: string,
  metric: string,
  direction: MetricDirection,
  at?: Record<string, Cell>,
) {
  const a = rowsBySeed(raw, better, at, metric),
    b = rowsBySeed(raw, than, at, metric);
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  const diffs = seeds.map((s) => sign(direction) * ((a.get(s)![metric] as number) - (b.get(s)![metric] as number)));
  return { seeds, diffs, a, b };
}

/**
 * Judges the precondition: it holds when the teacher's mean advantage over the no-KD student
 * (paired seeds) is at least `margin` and, with 3 or more seeds, its 95 % interval lies above 0.
 */
export function judgePrecondition(raw: readonly ResultRow[], spec: PreconditionSpec, level = 0.95): PreconditionResult {
  const { seeds, diffs, b } = paired(raw, spec.teacher, spec.student, spec.metric, spec.direction, spec.at);
  const studentVals = [...b.values()].map((r) => r[spec.metric] as number);
  const studentSd = studentVals.length > 1 ? pairedInterval(studentVals).sd : null;
  if (seeds.length === 0)
    return {
      spec,
      holds: false,
      interval: null,
      studentSd,
      reason: `no seed has both '${spec.teacher}' and '${spec.student}'`,
    };
  const interval = pairedInterval(diffs, level);
  const fmt = (v: number) => Number(v.toPrecision(3));
  if (interval.mean < spec.margin)
    return {
      spec,
      holds: false,
      interval,
      studentSd,
      reason: `teacher ahead of ${spec.student} by ${fmt(interval.mean)} ${spec.metric}, less than the margin ${spec.margin}`,
    };
  if (interval.n >= MIN_CLAIM_SEEDS && !(interval.low > 0))
    return {
      spec,
      holds: false,
      interval,
      studentSd,
      reason: `teacher's advantage over ${spec.student} is not resolved from 0 (95 % CI ${fmt(interval.low)} … ${fmt(interval.high)})`,
    };
  return {
    spec,
    holds: true,
    interval,
    studentSd,
    reason: `teacher ahead of ${spec.student} by ${fmt(interval.mean)} ${spec.metric} (margin ${spec.margin})`,
  };
}

/**
 * The verdict of one interval against a claim: `reproduced` when the interval lies entirely on
 * the claimed side of −margin (strictly: touching the boundary is not enough), `contradicted`
 * when entirely on the other side, `inconclusive` otherwise.
 */
export function verdictOf(low: number, high: number, margin = 0): Exclude<Verdict, 'untestable'> {
  if (low > -margin) return 'reproduced';
  if (high < -margin) return 'contradicted';
  return 'inconclusive';
}

/**
 * Judges every claim on the raw per-seed rows of a table (columns `variant`, `seed`, `status`,
 * the metrics and any grid keys). Seeds are paired (seed s of both rows shares init and data
 * order); a claim is `untestable` when the precondition fails at the claim's grid point (unless exempt) or fewer than 3
 * seeds finished both rows. A single-seed comparison additionally gets a per-image bootstrap
 * interval when `perImage` can supply both rows' statistics (its verdict stays `untestable`:
 * test-set uncertainty alone says nothing about seed-to-seed variation).
 */
export function judgeClaims(
  raw: readonly ResultRow[],
  claims: readonly ClaimSpec[],
  opts: JudgeOptions = {},
): { claims: ClaimResult[]; preconditions: PreconditionResult[] } {
  const level = opts.level ?? 0.95;
  // The precondition is judged at each claim's grid point (e.g. per student output stride).
  const preconditions = new Map<string, PreconditionResult>();
  const preconditionAt = (at: Record<string, Cell> | undefined): PreconditionResult | null => {
    if (!opts.precondition) return null;
    const where = { ...(opts.precondition.at ?? {}), ...(at ?? {}) };
    const key = JSON.stringify(where);
    if (!preconditions.has(key))
      preconditions.set(
        key,
        judgePrecondition(raw, { ...opts.precondition, at: Object.keys(where).length ? where : undefined }, level),
      );
    return preconditions.get(key)!;
  };
  const results = claims.map((c): ClaimResult => {
    const pre = (opts.precondition?.exempt ?? []).includes(c.id) ? null : preconditionAt(c.at);
    const margin = c.margin ?? 0;
    const { seeds, diffs, a, b } = paired(raw, c.better, c.than, c.metric, c.direction, c.at);
    const base = {
      claim: c.id,
      paper: c.paper,
      says: c.says,
      metric: c.metric,
      better: c.better,
      than: c.than,
      seeds: seeds.join(';'),
      paper_delta: c.paperDelta ?? null,
      margin,
      boot_low: null,
      boot_high: null,
      n_test: (() => {
        const n = [...a.values()][0]?.n_test;
        return typeof n === 'number' ? n : null;
      })(),
    };
    const interval = seeds.length ? pairedInterval(diffs, level) : null;
    const stats = {
      mean_diff: interval?.mean ?? null,
      ci_low: interval && Number.isFinite(interval.low) ? interval.low : null,
      ci_high: interval && Number.isFinite(interval.high) ? interval.high : null,
      agree: interval ? `${interval.agree}/${interval.n}` : '0/0',
    };
    let boot: BootstrapInterval | null = null;
    if (seeds.length === 1 && opts.perImage) {
      const sa = opts.perImage(a.get(seeds[0])!),
        sb = opts.perImage(b.get(seeds[0])!);
      if (sa && sb) boot = pairedBootstrap(sa, sb, { sign: sign(c.direction), level, seed: seeds[0] });
    }
    const withBoot = boot ? { boot_low: boot.low, boot_high: boot.high } : {};
    if (pre && !pre.holds)
      return { ...base, ...stats, ...withBoot, verdict: 'untestable', reason: `precondition fails: ${pre!.reason}` };
    if (seeds.length < MIN_CLAIM_SEEDS)
      return {
        ...base,
        ...stats,
        ...withBoot,
        verdict: 'untestable',
        reason: `${seeds.length} paired seed${seeds.length === 1 ? '' : 's'} (needs ${MIN_CLAIM_SEEDS})`,
      };
    const verdict = verdictOf(interval!.low, interval!.high, margin);
    const side = margin > 0 ? `−margin (${-margin})` : '0';
    const reason =
      verdict === 'reproduced'
        ? `95 % CI above ${side}`
        : verdict === 'contradicted'
          ? `95 % CI below ${side}`
          : `95 % CI contains ${side}`;
    return { ...base, ...stats, ...withBoot, verdict, reason };
  });
  return { claims: results, preconditions: [...preconditions.values()] };
}
