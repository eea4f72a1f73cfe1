import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';

/** `../shared` beside the clone (real data, official weights), or `KD_SHARED_DIR`. */
export const SHARED_DIR = process.env.KD_SHARED_DIR
  ? path.resolve(process.env.KD_SHARED_DIR)
  : path.resolve(REPO_ROOT, '../shared');

export interface SmokeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `pnpm exp run <experiment> [--profile P] --smoke [--seeds 1] --jobs 1 --quiet --out OUT
 * --data-root ROOT [--set k=v …]` as a child process on wasm: the exact CLI path a user runs, for
 * the real-format fixture tests. `profile` null leaves the flag out (an evaluation-only sweep).
 */
export function runSmoke(
  experiment: string,
  opts: {
    out: string;
    dataRoot: string;
    set?: readonly string[];
    profile?: string | null;
    /** More flags, e.g. `--shard 0/4`. */
    extra?: readonly string[];
    timeoutMs: number;
  },
): SmokeRun {
  const profile = opts.profile === undefined ? 'full' : opts.profile;
  const r = spawnSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [
      path.join(REPO_ROOT, 'experiments', 'src', 'cli.ts'),
      'run',
      experiment,
      ...(profile ? ['--profile', profile, '--smoke', '--seeds', '1'] : ['--smoke']),
      '--jobs',
      '1',
      '--quiet',
      '--out',
      opts.out,
      '--data-root',
      opts.dataRoot,
      ...(opts.extra ?? []),
      ...(opts.set ?? []).flatMap((kv) => ['--set', kv]),
    ],
    { encoding: 'utf8', env: { ...process.env, KD_BACKEND: 'wasm' }, timeout: opts.timeoutMs },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
