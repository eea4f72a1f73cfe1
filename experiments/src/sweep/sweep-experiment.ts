import type { Rng } from '@kd/core';
import type { BackendInfo } from '@kd/runtime';
import type { ClaimSpec, PreconditionSpec, ResultRow } from '@kd/bench';
import type { Config, ConfigValue } from '../config.ts';
import type { Profile } from '../experiment.ts';

/** One row of a paper table: a label and the config keys it sets. */
export interface Variant {
  label: string;
  set: Record<string, ConfigValue>;
  /** Keys this row sets only under one profile (applied after `set`), e.g. a row's own schedule. */
  profiles?: Partial<Record<Profile, Record<string, ConfigValue>>>;
  /** `false`: one row not crossed with the grid (e.g. the teacher of a sweep over students). */
  grid?: false;
}

/** What one run (variant × grid point × seed) receives. */
export interface RunContext {
  seed: number;
  /** Root generator of this run (init, data order, augmentation fork from it). */
  rng: Rng;
  backend: BackendInfo;
  gitHash: string;
  dataRoot: string;
  /** The run's own folder: resolved config, argv, log.jsonl, export, checkpoints. */
  runDir: string;
  /** Folder shared by the sweep's runs for cached teachers and teacher outputs. */
  cacheDir: string;
  progress: boolean;
  /** Pass to ensureTeacher: a teacher another job is training defers this run instead of blocking. */
  deferBusyTeacher: boolean;
  /** Appends one JSON record to the run's log.jsonl. */
  log(record: Record<string, unknown>): void;
}

/**
 * A sweep experiment is one small typed file: typed defaults (dotted keys), per-profile
 * overrides, the table's rows as variants, an optional grid crossed with them, and how to run
 * one configuration. The engine expands, shards, resumes, aggregates over seeds and writes the
 * CSV + Markdown tables.
 */
export interface SweepExperiment<C extends Config = Config> {
  name: string;
  description: string;
  defaults: C;
  profiles: Record<Profile, Partial<C>>;
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
  /** Note printed under the Markdown table (e.g. what the paper's row means). */
  note?: string;
  runOne(cfg: C, run: RunContext): Promise<ResultRow>;
}
