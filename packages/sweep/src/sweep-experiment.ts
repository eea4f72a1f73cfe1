import type { ClaimSpec, GroupedTable, PreconditionSpec } from '@kd/bench/tables';
import type { Config, ConfigValue, TermSpec } from '@kd/core';

/**
 * `quick`: the CPU-sized table (≤ 15 min on 2 cores); `medium`: where an honest setting for every
 * claim does not fit that budget, the larger CPU table (optional); `full`: the papers' recipe on
 * the real datasets.
 */
export type Profile = 'quick' | 'medium' | 'full';
export const PROFILES: readonly Profile[] = ['quick', 'medium', 'full'];

/** One row of a paper table: a label and the config keys it sets. */
export interface Variant {
  label: string;
  set: Record<string, ConfigValue>;
  /** Keys this row sets only under one profile (applied after `set`), e.g. a row's own schedule. */
  profiles?: Partial<Record<Profile, Record<string, ConfigValue>>>;
  /** `false`: one row not crossed with the grid (e.g. the teacher of a sweep over students). */
  grid?: false;
  /** The profiles this row is run in (default all), e.g. ablation rows kept out of `quick` for its time budget. */
  only?: readonly Profile[];
  /**
   * Per profile, the grid values this row is run at (default every grid point), e.g. ablation-ka's
   * rows at output stride 16 only in `quick`: `{ quick: { student: ['fcn-mbv2-os16'] } }`.
   */
  onlyAt?: Partial<Record<Profile, Record<string, readonly ConfigValue[]>>>;
}

/**
 * A sweep experiment is one small typed declaration (no tensors, no tfjs): typed defaults,
 * per-profile overrides, the table's rows as variants, an optional grid crossed with them, the
 * claims it judges, and which recipe runs one configuration with which distillation terms. The
 * engine expands, shards, resumes, aggregates over seeds and writes the CSV + Markdown tables.
 */
export interface SweepExperiment<C extends Config = Config> {
  name: string;
  description: string;
  defaults: C;
  /** Keys per profile; `medium` is optional (an experiment without one refuses `--profile medium`). */
  profiles: { quick: Partial<C>; full: Partial<C>; medium?: Partial<C> };
  variants: Variant[];
  grid?: Record<string, ConfigValue[]>;
  /** Seeds run when `--seeds` is not given (default 1), e.g. 3 where rows differ by less than the seed noise. */
  defaultSeeds?: number;
  /** Columns identifying a table row (besides `variant`), e.g. `model`, `output_stride`. */
  groupBy: string[];
  /** Numeric columns aggregated as mean ± std over seeds. */
  metrics: string[];
  /** Paper numbers beside ours: variant label → metric → value. */
  paper?: Record<string, Record<string, number>>;
  /** Decimals per metric in the Markdown table (default 4). */
  digits?: Record<string, number>;
  /** The papers' claims this table tests, judged on paired seeds into `<name>.claims.csv` and the Markdown's Claims section. */
  claims?: ClaimSpec[];
  /** What must hold for the KD claims to be testable at all (the teacher beats the no-KD student by a margin). */
  precondition?: PreconditionSpec;
  /** Tables in a paper's layout (one `a/b/c` cell per benchmark), written into the Markdown before the full table. */
  groupedTables?: GroupedTable[];
  /** Note printed under the Markdown table (e.g. what the paper's row means). */
  note?: string;
  /** The @kd/distill recipe that runs one configuration (`seg`, `sod`, `csnet-dwd`, `det`). */
  recipe: string;
  /** The distillation terms of one configuration, by registered loss name (none: no KD). */
  terms?(cfg: C): TermSpec[];
}
