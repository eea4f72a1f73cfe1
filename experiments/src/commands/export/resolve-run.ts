import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '@kd/core';

/**
 * The saved-model folder (`model.json` from saveModel) that `--run` names: a folder holding
 * model.json, a run folder holding `student/model.json`, or a sweep row's run hash
 * (`HASH` or `EXPERIMENT/HASH`, the `run` column of `<name>.raw.csv`) looked up as
 * `runs/<experiment>/<hash>/student` under `resultsDir` and its subfolders (two levels deep).
 */
export function resolveRun(run: string, resultsDir: string): string {
  const asDir = (d: string): string | null => {
    if (fs.existsSync(path.join(d, 'model.json'))) return d;
    if (fs.existsSync(path.join(d, 'student', 'model.json'))) return path.join(d, 'student');
    return null;
  };
  if (fs.existsSync(run)) {
    const d = asDir(run.endsWith('model.json') ? path.dirname(run) : run);
    if (!d) throw new UsageError(`--run: '${run}' holds neither model.json nor student/model.json`);
    return d;
  }
  const m = /^(?:([\w.-]+)\/)?([0-9a-f]{6,})$/.exec(run);
  if (!m)
    throw new UsageError(`--run: '${run}' is not a folder, and not a sweep row's run hash (HASH or EXPERIMENT/HASH)`);
  const [, experiment, hash] = m;
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    const runs = path.join(dir, 'runs');
    if (fs.existsSync(runs)) {
      for (const exp of fs.readdirSync(runs)) {
        if (experiment && exp !== experiment) continue;
        const d = asDir(path.join(runs, exp, hash));
        if (d) found.push(d);
      }
    }
    if (depth > 0 && fs.existsSync(dir)) {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory() && e.name !== 'runs') visit(path.join(dir, e.name), depth - 1);
    }
  };
  visit(resultsDir, 2);
  if (!found.length)
    throw new UsageError(
      `--run: no finished run '${run}' with a saved student under ${resultsDir} (looked for runs/${experiment ?? '*'}/${hash}/student/model.json)`,
    );
  if (found.length > 1)
    throw new UsageError(`--run: '${run}' matches ${found.length} runs (${found.join(', ')}); pass the folder`);
  return found[0];
}
