import fs from 'node:fs';
import path from 'node:path';
import { readFinishedRuns, runDirOf, type StoredRun } from '@kd/sweep';

/** The first-seed finished run of every (variant, grid point), in the table's variant order. */
export function firstSeedRuns(outDir: string, experiment: string, variantOrder: readonly string[] = []): StoredRun[] {
  const finished = [...readFinishedRuns(outDir, experiment).values()]
    .filter((r) => r.status === 'ok')
    .sort((a, b) => a.seed - b.seed);
  const first = new Map<string, StoredRun>();
  for (const r of finished) {
    const key = `${r.variant}|${JSON.stringify(r.point)}`;
    if (!first.has(key)) first.set(key, r);
  }
  const rank = (r: StoredRun) => {
    const i = variantOrder.indexOf(r.variant);
    return i < 0 ? variantOrder.length : i;
  };
  return [...first.values()].sort((a, b) => rank(a) - rank(b));
}

export const runLabel = (r: StoredRun) =>
  `${r.variant}${Object.keys(r.point).length ? ` ${Object.values(r.point).join(',')}` : ''}`;

export const runDir = (outDir: string, experiment: string, r: StoredRun) => runDirOf(outDir, experiment, r.hash);

export const studentDir = (outDir: string, experiment: string, r: StoredRun) =>
  path.join(runDirOf(outDir, experiment, r.hash), 'student');

/**
 * Folder of the stored teacher the runs distilled from (its key is in `teacher-key.txt` of any run
 * that loaded it; no-KD rows do not), or null when no run used a teacher.
 */
export function teacherDirOf(outDir: string, experiment: string, runs: readonly StoredRun[]): string | null {
  const keyFile = runs
    .map((r) => path.join(runDir(outDir, experiment, r), 'teacher-key.txt'))
    .find((f) => fs.existsSync(f));
  return keyFile ? path.join(outDir, 'cache', 'teachers', fs.readFileSync(keyFile, 'utf8').trim(), 'model') : null;
}
