import { UsageError } from '@kd/core';

export interface Shard {
  index: number;
  count: number;
}

/**
 * The slice of the grid this process runs. `--shard K/N` (0 ≤ K < N) wins; otherwise SLURM
 * array jobs (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, ids taken relative to
 * SLURM_ARRAY_TASK_MIN, default 0) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with
 * KD_SHARD_COUNT, since Kubernetes does not export the completion count). Default 0/1.
 */
export function resolveShard(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard {
  if (flag !== undefined) return parseShard('--shard', flag);
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const count = env.SLURM_ARRAY_TASK_COUNT;
    if (count === undefined) throw new UsageError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
    return parseShard('SLURM_ARRAY_TASK_ID', `${Number(env.SLURM_ARRAY_TASK_ID) - min}/${count}`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (env.KD_SHARD_COUNT === undefined)
      throw new UsageError("JOB_COMPLETION_INDEX is set; also set KD_SHARD_COUNT to the Job's completions");
    return parseShard('JOB_COMPLETION_INDEX', `${env.JOB_COMPLETION_INDEX}/${env.KD_SHARD_COUNT}`);
  }
  return { index: 0, count: 1 };
}

export function parseShard(source: string, value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) {
    throw new UsageError(`${source}: expected K/N with 0 <= K < N, got '${value}'`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** Deterministic round-robin slice: item i belongs to shard i mod N. */
export function takeShard<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index);
}
