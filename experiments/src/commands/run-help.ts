import { hideBin } from 'yargs/helpers';
import { configKeyMeaning, type Config, type ConfigValue } from '@kd/core';
import '../config-docs.ts';
import { EXPERIMENTS } from '../experiment.ts';
import '../experiments/index.ts';
import { helpWidth, wrap } from './help-text.ts';
import { SWEEPS } from '../sweep/registry.ts';

const show = (v: ConfigValue | undefined) => (typeof v === 'string' ? (v === '' ? "''" : v) : String(v));

/**
 * The `--set` keys of one experiment as aligned lines: key, type, quick default (→ the `full`
 * profile's value where it differs), one-line meaning (`configKeyMeaning`; '-' if undeclared).
 */
export function formatSetKeys(
  name: string,
  defaults: Config,
  full: Partial<Config> = {},
  rowKeys: readonly string[] = [],
  lineWidth = 100,
): string {
  const keys = Object.keys(defaults);
  const rows = keys.map((k) => {
    const d = defaults[k];
    const value = k in full && full[k] !== d ? `${show(d)} → ${show(full[k])}` : show(d);
    return [k, typeof d, value, configKeyMeaning(k, name) ?? '-'];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const indent = 2 + widths[0] + 2 + widths[1] + 2 + widths[2] + 2;
  const lines = rows.map((r) =>
    `  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${wrap(r[3], indent, lineWidth)}`.trimEnd(),
  );
  const head = `--set keys of ${name} (key, type, default${Object.keys(full).length ? ' → value in --profile full' : ''}, meaning):`;
  const tail = rowKeys.length ? [`The table's rows set ${rowKeys.join(', ')} themselves.`] : [];
  return [head, ...lines, ...tail].join('\n');
}

/**
 * The first registered experiment name after `run` on the command line (flag values such as
 * `--profile full` are skipped, not being names), or undefined (`pnpm exp run --help`
 * with no name, or an unknown name: the run itself reports that).
 */
export function experimentFromArgv(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('run');
  return i >= 0 ? argv.slice(i + 1).find((a) => !a.startsWith('-') && EXPERIMENTS.has(a)) : undefined;
}

/** Epilogue of `pnpm exp run <name> --help`: that experiment's `--set` keys ('' without a known name). */
export function setKeysHelp(argv: readonly string[] = hideBin(process.argv)): string {
  const name = experimentFromArgv(argv);
  if (name === undefined) return '';
  const exp = EXPERIMENTS.get(name);
  const sweep = SWEEPS.has(name) ? SWEEPS.get(name) : undefined;
  const rowKeys = sweep ? [...new Set(sweep.variants.flatMap((v) => Object.keys(v.set)))] : [];
  return formatSetKeys(name, exp.defaults, sweep?.profiles.full ?? {}, rowKeys, helpWidth());
}
