import type { ResultRow } from '../table/result-row.ts';
import type { ClaimResult, PreconditionResult } from './judge-claims.ts';
import type { Verdict } from './claim-spec.ts';

/** Columns of `<name>.claims.csv`, in order. */
export const CLAIM_COLUMNS = [
  'claim',
  'paper',
  'says',
  'metric',
  'better',
  'than',
  'seeds',
  'mean_diff',
  'ci_low',
  'ci_high',
  'agree',
  'verdict',
  'reason',
  'paper_delta',
  'margin',
  'boot_low',
  'boot_high',
  'n_test',
] as const;

export const VERDICTS: readonly Verdict[] = ['reproduced', 'contradicted', 'inconclusive', 'untestable'];

/** Claim results as CSV rows (numbers rounded to 6 significant digits, so reruns diff cleanly). */
export function claimRows(results: readonly ClaimResult[]): ResultRow[] {
  const round = (v: number | null) => (v === null ? null : Number(v.toPrecision(6)));
  return results.map((r) => ({
    ...r,
    mean_diff: round(r.mean_diff),
    ci_low: round(r.ci_low),
    ci_high: round(r.ci_high),
    boot_low: round(r.boot_low),
    boot_high: round(r.boot_high),
  }));
}

/** `2 reproduced, 1 contradicted, 3 untestable` (verdicts with a count of 0 left out). */
export function verdictCounts(results: readonly Pick<ClaimResult, 'verdict'>[]): string {
  return (
    VERDICTS.map((v) => [v, results.filter((r) => r.verdict === v).length] as const)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${n} ${v}`)
      .join(', ') || 'no claims'
  );
}

const num = (v: number | null, digits: number) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);

/** One line per precondition judged: whether the table can test its KD claims at that point. */
export function preconditionLines(pres: readonly PreconditionResult[], digits = 4): string[] {
  return pres.map((p) => {
    const at = p.spec.at
      ? ` at ${Object.entries(p.spec.at)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`
      : '';
    const gap = p.interval
      ? `teacher − ${p.spec.student} = ${num(p.interval.mean, digits)} ${p.spec.metric}${p.studentSd ? ` (${(p.interval.mean / p.studentSd).toFixed(1)} student σ)` : ''}`
      : 'no common seed';
    return `- **Precondition${at}** (teacher beats “${p.spec.student}” by ≥ ${p.spec.margin} ${p.spec.metric}): ${p.holds ? 'holds' : '**fails**'} — ${gap}. ${p.holds ? '' : `Every KD claim gated by it is untestable: ${p.reason}.`}`.trimEnd();
  });
}

/**
 * The Claims section at the top of `<name>.md`: one line with the verdict counts, the
 * precondition(s), and a table with one row per claim (difference oriented so + is the paper's
 * direction, its 95 % interval, seeds agreeing in sign, verdict and the paper's own delta).
 */
export function claimsMarkdown(
  results: readonly ClaimResult[],
  pres: readonly PreconditionResult[],
  opts: { digits?: Record<string, number> } = {},
): string {
  if (results.length === 0) return '';
  const d = (m: string) => opts.digits?.[m] ?? 4;
  const lines = [
    '## Claims',
    '',
    `**Verdicts: ${verdictCounts(results)}.** Paired seeds (seed s of both rows shares init and data order); Δ is oriented so + is the paper's direction (for MAE, than − better); 95 % Student-t interval on the paired differences; \`reproduced\` / \`contradicted\` when the interval lies entirely on one side of 0 (of −margin for a non-inferiority claim), \`untestable\` with fewer than 3 seeds or a failed precondition. Each interval is at 95 % on its own: with k claims in a table, expect about 0.05·k false verdicts when no effect exists (no multiplicity correction).`,
    '',
    ...preconditionLines(pres),
    ...(pres.length ? [''] : []),
    '| claim | paper says | metric | better | than | seeds | Δ | 95 % CI | agree | verdict | paper Δ |',
    '| :--- | :--- | :--- | :--- | :--- | ---: | ---: | :--- | ---: | :--- | ---: |',
    ...results.map((r) => {
      const ci =
        r.ci_low === null || r.ci_high === null
          ? r.boot_low !== null
            ? `boot ${num(r.boot_low, d(r.metric))} … ${num(r.boot_high, d(r.metric))}`
            : '–'
          : `${num(r.ci_low, d(r.metric))} … ${num(r.ci_high, d(r.metric))}`;
      const n = r.seeds ? r.seeds.split(';').length : 0;
      const says = `${r.says} (${r.paper})${r.margin ? ` — non-inferiority, margin ${r.margin}` : ''}`;
      return `| ${r.claim} | ${says.replace(/\|/g, '\\|')} | ${r.metric} | ${r.better} | ${r.than} | ${n} | ${num(r.mean_diff, d(r.metric))} | ${ci} | ${r.agree} | **${r.verdict}**${r.verdict === 'untestable' ? ` (${r.reason.startsWith('precondition') ? 'precondition fails' : r.reason})` : ''} | ${num(r.paper_delta, d(r.metric))} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

/** One README scorecard over experiments: a row per claim with its table and verdict. */
export function scorecardMarkdown(
  tables: readonly { experiment: string; link: string; claims: readonly ClaimResult[] }[],
): string {
  const all = tables.flatMap((t) => t.claims);
  return [
    `**${verdictCounts(all)}** over ${tables.length} tables.`,
    '',
    '| table | claim | paper says | seeds | Δ [95 % CI] | verdict |',
    '| :--- | :--- | :--- | ---: | :--- | :--- |',
    ...tables.flatMap((t) =>
      t.claims.map((r) => {
        const n = r.seeds ? r.seeds.split(';').length : 0;
        const ci = r.ci_low === null || r.ci_high === null ? '' : ` [${num(r.ci_low, 4)}, ${num(r.ci_high, 4)}]`;
        const why =
          r.verdict !== 'untestable'
            ? ''
            : r.reason.startsWith('precondition')
              ? ' (precondition fails)'
              : ` (${n} seed${n === 1 ? '' : 's'})`;
        return `| [${t.experiment}](${t.link}) | ${r.claim} | ${r.says.replace(/\|/g, '\\|')} | ${n} | ${num(r.mean_diff, 4)}${ci} ${r.metric} | **${r.verdict}**${why} |`;
      }),
    ),
    '',
  ].join('\n');
}
