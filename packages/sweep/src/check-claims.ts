import { MIN_CLAIM_SEEDS } from '@kd/bench/tables';
import type { SweepExperiment } from './sweep-experiment.ts';

/**
 * A claim or precondition must name rows and metrics the table has (checked at registration,
 * i.e. before any run starts): a typo would otherwise judge nothing and read `untestable`.
 */
export function checkClaims(exp: SweepExperiment): void {
  const labels = new Set(exp.variants.map((v) => v.label));
  const gridKeys = new Set(Object.keys(exp.grid ?? {}));
  const ids = new Set<string>();
  const where = (id: string) => `${exp.name}: claim '${id}'`;
  const check = (id: string, rows: string[], metric: string, at?: Record<string, unknown>) => {
    for (const r of rows)
      if (!labels.has(r)) throw new Error(`${where(id)} names row '${r}'; the rows are: ${[...labels].join(', ')}`);
    if (!exp.metrics.includes(metric))
      throw new Error(
        `${where(id)} uses metric '${metric}', not one of the table's metrics (${exp.metrics.join(', ')})`,
      );
    for (const [k, v] of Object.entries(at ?? {})) {
      if (!gridKeys.has(k) || !exp.grid![k].includes(v as never))
        throw new Error(`${where(id)} is taken at ${k}=${String(v)}, which is not a grid point of the table`);
    }
  };
  if (exp.claims?.length && (exp.defaultSeeds ?? 1) < MIN_CLAIM_SEEDS)
    throw new Error(
      `${exp.name}: declares claims but runs ${exp.defaultSeeds ?? 1} seed(s) by default; a verdict needs ${MIN_CLAIM_SEEDS} (set defaultSeeds)`,
    );
  for (const c of exp.claims ?? []) {
    if (ids.has(c.id)) throw new Error(`${where(c.id)} is declared twice`);
    ids.add(c.id);
    check(c.id, [c.better, c.than], c.metric, c.at);
  }
  const p = exp.precondition;
  if (p) {
    check('precondition', [p.teacher, p.student], p.metric, p.at);
    for (const id of p.exempt ?? [])
      if (!ids.has(id)) throw new Error(`${exp.name}: precondition exempts claim '${id}', which is not declared`);
  }
}
