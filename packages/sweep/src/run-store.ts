import fs from 'node:fs';
import path from 'node:path';
import type { ResultRow } from '@kd/bench/tables';
import type { ConfigValue } from '@kd/core';

/** What a finished run leaves behind (`row.json`, written atomically as its last act). */
export interface StoredRun {
  hash: string;
  variant: string;
  point: Record<string, ConfigValue>;
  seed: number;
  status: 'ok' | 'failed';
  /** Why and where a failed run stopped (e.g. a NaN loss at step 37). */
  error?: string;
  failed_step?: number;
  row: ResultRow;
}

export function runDirOf(outDir: string, experiment: string, hash: string): string {
  return path.join(outDir, 'runs', experiment, hash);
}

/** A run is finished once its `row.json` exists (written atomically as the run's last act). */
export function isFinished(outDir: string, experiment: string, hash: string): boolean {
  return fs.existsSync(path.join(runDirOf(outDir, experiment, hash), 'row.json'));
}

/** The claim file a process holds while it runs `hash` (see Claim). */
export function claimFileOf(outDir: string, experiment: string, hash: string): string {
  return path.join(outDir, 'runs', experiment, '.claims', hash);
}

/** Every finished run of `experiment` under `outDir`, by hash (runs without row.json are unfinished). */
export function readFinishedRuns(outDir: string, experiment: string): Map<string, StoredRun> {
  const root = path.join(outDir, 'runs', experiment);
  const out = new Map<string, StoredRun>();
  if (!fs.existsSync(root)) return out;
  for (const hash of fs.readdirSync(root)) {
    const file = path.join(root, hash, 'row.json');
    if (fs.existsSync(file)) out.set(hash, JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRun);
  }
  return out;
}
