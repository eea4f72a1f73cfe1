// The tfjs-free half of @kd/bench (`@kd/bench/tables`): result rows, CSV/Markdown tables,
// aggregation over seeds and the claims machinery. The sweep engine imports only this.
export * from './table/result-row.ts';
export * from './table/csv.ts';
export * from './table/aggregate-seeds.ts';
export * from './table/markdown.ts';
export * from './table/grouped-markdown.ts';
export * from './json.ts';
export * from './table/read-csv.ts';
export * from './claims/claim-spec.ts';
export * from './claims/student-t.ts';
export * from './claims/paired-interval.ts';
export * from './claims/per-image-stat.ts';
export * from './claims/paired-bootstrap.ts';
export * from './claims/judge-claims.ts';
export * from './claims/claims-table.ts';
