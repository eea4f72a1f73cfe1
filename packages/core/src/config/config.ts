import { createHash } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { nearest } from '../registry.ts';

export type ConfigValue = string | number | boolean;
export type Config = Record<string, ConfigValue>;

/** Splits repeated `--set key=value` flags; a malformed one is a UsageError naming it. */
export function parseSetFlags(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`--set: expected key=value, got '${v}'`);
    out[v.slice(0, i).trim()] = v.slice(i + 1).trim();
  }
  return out;
}

/**
 * Applies string overrides to typed defaults (nanoGPT's configurator): the key must exist
 * (otherwise the nearest keys are suggested) and the value must parse as the default's type.
 */
export function applyOverrides<C extends Config>(defaults: C, overrides: Record<string, string>): C {
  const out: Config = { ...defaults };
  for (const [key, raw] of Object.entries(overrides)) {
    if (!(key in defaults)) {
      const near = nearest(key, Object.keys(defaults));
      throw new UsageError(
        `--set: unknown key '${key}'${near.length ? `; did you mean ${near.join(', ')}?` : ''} Keys: ${Object.keys(defaults).join(', ')}`,
      );
    }
    const d = defaults[key];
    if (typeof d === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n)) throw new UsageError(`--set ${key}: expected a number, got '${raw}'`);
      out[key] = n;
    } else if (typeof d === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new UsageError(`--set ${key}: expected true or false, got '${raw}'`);
      out[key] = raw === 'true';
    } else out[key] = raw;
  }
  return out as C;
}

/** Short stable hash of a config (sorted keys), for run folder names. */
export function configHash(config: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 10);
}

/** One-line meanings of `--set` keys, shown by `pnpm exp run <name> --help`. Key `<experiment>:<key>` overrides `<key>`. */
const KEY_MEANINGS = new Map<string, string>();

/**
 * Declares what `--set` keys mean: shared keys once (no `experiment`), or one experiment's own
 * keys (and its reading of a shared key), e.g.
 * `describeConfigKeys({ bd: 'weight λ_bd of boundary distillation' }, 'ablation-bcd')`.
 */
export function describeConfigKeys(meanings: Record<string, string>, experiment?: string): void {
  for (const [key, text] of Object.entries(meanings)) KEY_MEANINGS.set(experiment ? `${experiment}:${key}` : key, text);
}

/** The one-line meaning of a `--set` key for an experiment, if declared. */
export function configKeyMeaning(key: string, experiment?: string): string | undefined {
  return (experiment !== undefined ? KEY_MEANINGS.get(`${experiment}:${key}`) : undefined) ?? KEY_MEANINGS.get(key);
}
