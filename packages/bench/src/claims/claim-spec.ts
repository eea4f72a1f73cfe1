import type { Cell } from '../table/result-row.ts';

/** Which way a metric improves: `higher` (mIoU, mAP, F-measure) or `lower` (MAE). */
export type MetricDirection = 'higher' | 'lower';

/**
 * One claim of a paper, declared beside the rows it compares: "row `better` beats row `than` on
 * `metric`". With `margin` > 0 it is a non-inferiority claim instead ("`better` is at most
 * `margin` worse than `than`", e.g. CSNet's "negligible drop" after pruning).
 */
export interface ClaimSpec {
  /** Short stable id, e.g. `bcd-vs-kl`; the first column of `<name>.claims.csv`. */
  id: string;
  /** The paper the claim comes from, e.g. `BCD (arXiv 2401.13174)`. */
  paper: string;
  /** What the paper says, in words. */
  says: string;
  /** Variant label of the row claimed better. */
  better: string;
  /** Variant label of the row it is compared with. */
  than: string;
  metric: string;
  direction: MetricDirection;
  /** Grid point both rows are taken at (e.g. `{ student: 'fcn-mbv2-os16' }`); rows declared without the grid match any point. */
  at?: Record<string, Cell>;
  /** Non-inferiority margin in metric units (default 0: a plain "better than" claim). */
  margin?: number;
  /** The paper's own difference, oriented like `mean_diff` (positive = the paper's direction). */
  paperDelta?: number;
}

/**
 * What makes a table able to test its claims at all: the teacher beats the student trained
 * without KD by at least `margin` (same metric, same seeds). If it does not, there is no
 * knowledge to transfer and every KD claim of the table is `untestable`.
 */
export interface PreconditionSpec {
  /** Variant label of the teacher row. */
  teacher: string;
  /** Variant label of the student trained without KD. */
  student: string;
  metric: string;
  direction: MetricDirection;
  /** Minimum mean advantage of the teacher, in metric units. */
  margin: number;
  at?: Record<string, Cell>;
  /** Claims this precondition does not gate (e.g. a CSNet claim in the SOD table, which has no teacher). */
  exempt?: string[];
}

/** The four verdicts of a claim. */
export type Verdict = 'reproduced' | 'contradicted' | 'inconclusive' | 'untestable';
