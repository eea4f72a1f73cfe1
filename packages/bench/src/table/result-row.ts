import { gitHash, type BackendInfo } from '@kd/core';

/** One result row: column → value. null (or NaN) is an empty/undefined cell. */
export type Cell = string | number | boolean | null;
export type ResultRow = Record<string, Cell>;

/** The provenance columns every result row carries. */
export const RUN_COLUMNS = ['seed', 'backend', 'threads', 'git_hash'] as const;

/**
 * Adds `seed`, `backend` (the backend label, e.g. `wasm-simd-1t`), `threads` and `git_hash`
 * (core `gitHash()` unless given) to a row. Existing keys of `row` are kept after these.
 */
export function withRunColumns(row: ResultRow, run: { seed: number; backend: Pick<BackendInfo, 'label' | 'threads'>; gitHash?: string }): ResultRow {
  return { seed: run.seed, backend: run.backend.label, threads: run.backend.threads, git_hash: run.gitHash ?? gitHash(), ...row };
}
