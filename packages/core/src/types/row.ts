/** One table cell. null (or NaN) is an empty/undefined cell. */
export type Cell = string | number | boolean | null;

/** One result row: column → cell. Every result table (bench, sweeps, `exp run`) is a list of these. */
export type ResultRow = Record<string, Cell>;

/** The provenance columns every result row carries, in this order. */
export const RUN_COLUMNS = ['seed', 'backend', 'threads', 'git_hash'] as const;
export type RunColumn = (typeof RUN_COLUMNS)[number];
