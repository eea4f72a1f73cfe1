import { type ResultRow, Registry, type BackendInfo, type Config } from '@kd/core';

export type { Profile } from '@kd/sweep';
import type { Profile } from '@kd/sweep';

/** What an experiment receives: everything a run needs, resolved from the command line. */
export interface ExperimentContext {
  name: string;
  seed: number;
  backend: BackendInfo;
  gitHash: string;
  profile: Profile;
  /** Where datasets live (generated ones are written here). */
  dataRoot: string;
  /** Where the result CSV goes. */
  outDir: string;
  /** This run's folder (resolved config, argv, JSONL log). */
  runDir: string;
  /** `--set key=value` overrides, already split. */
  overrides: Record<string, string>;
  argv: string[];
  /** Show progress bars / per-epoch lines. */
  progress: boolean;
  /** Seeds to run (sweeps run every one; single experiments use the first). */
  seeds: number[];
  /** This process's slice of a sweep. */
  shard: { index: number; count: number };
  /** Worker processes sharing the sweep (`--jobs`; sweeps only). */
  jobs: number;
  /** `--checkpoint-every N` steps; null: each epoch's end and at most every 10 minutes. */
  checkpointEvery: number | null;
  /** `--teacher-cache-gb`: bound of the teacher-output cache, in bytes. */
  teacherCacheBytes: number;
  /** `--smoke`: the profile's code path with 2 optimizer steps per training stage and ≤ 4 test images (out folder `<out>/smoke`). */
  smoke?: boolean;
}

export interface ExperimentResult {
  /** Column order of the CSV. */
  columns: string[];
  rows: ResultRow[];
  /** Set by sweeps, which write `<name>.csv`, `.raw.csv` and `.md` themselves. */
  tablesWritten?: boolean;
}

export interface Experiment {
  name: string;
  description: string;
  /** Typed defaults: `--set` keys are checked against these before anything runs or is written. */
  defaults: Config;
  /** Seeds run when `--seeds` is not given (default 1). */
  defaultSeeds?: number;
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}

export const EXPERIMENTS = new Registry<Experiment>('experiment');

export function registerExperiment(e: Experiment): void {
  EXPERIMENTS.register(e.name, e, e.description);
}
