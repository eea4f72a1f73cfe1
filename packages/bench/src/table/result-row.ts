import { gitHash, type ResultRow, type BackendInfo } from '@kd/core';

// Row, Cell and the provenance columns are defined once in @kd/core; bench re-exports them for its users.
export { RUN_COLUMNS, type Cell, type ResultRow } from '@kd/core';

/**
 * Adds `seed`, `backend` (the backend label, e.g. `wasm-simd-1t`), `threads` and `git_hash`
 * (core `gitHash()` unless given) to a row. Existing keys of `row` are kept after these.
 */
export function withRunColumns(
  row: ResultRow,
  run: { seed: number; backend: Pick<BackendInfo, 'label' | 'threads'>; gitHash?: string },
): ResultRow {
  return {
    seed: run.seed,
    backend: run.backend.label,
    threads: run.backend.threads,
    git_hash: run.gitHash ?? gitHash(),
    ...row,
  };
}
