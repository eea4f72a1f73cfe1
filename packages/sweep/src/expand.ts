import { configHash, UsageError, type Config, type ConfigValue } from '@kd/core';
import { PROFILES, type Profile, type SweepExperiment } from './sweep-experiment.ts';

/** One concrete run of a sweep. */
export interface RunSpec {
  /** Stable id: hash of experiment name, resolved config, seed and backend. */
  hash: string;
  variant: string;
  /** Grid point values, in grid key order. */
  point: Record<string, ConfigValue>;
  seed: number;
  config: Config;
}

/** Cartesian product of a grid over dotted keys, in key order (first key slowest). */
export function gridPoints(grid: Record<string, ConfigValue[]> = {}): Record<string, ConfigValue>[] {
  let points: Record<string, ConfigValue>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return points;
}

/**
 * Every run of the sweep in table order: variants × grid points × seeds (a variant with
 * `grid: false` is not crossed with the grid; `onlyAt` keeps the profile's listed grid values). The config is
 * defaults ⊕ profile ⊕ variant ⊕ variant's per-profile keys ⊕ grid point ⊕ user overrides
 * (already type-checked).
 */
export function expandSweep(
  exp: SweepExperiment,
  opts: { profile: Profile; seeds: number[]; overrides: Config; backendLabel: string },
): RunSpec[] {
  const profileKeys = exp.profiles[opts.profile];
  if (!profileKeys)
    throw new UsageError(
      `--profile ${opts.profile}: ${exp.name} has no ${opts.profile} profile; it has ${PROFILES.filter((p) => exp.profiles[p]).join(', ')}`,
    );
  const specs: RunSpec[] = [];
  for (const variant of exp.variants) {
    if (variant.only && !variant.only.includes(opts.profile)) continue;
    const at = variant.onlyAt?.[opts.profile];
    const points = (variant.grid === false ? [{}] : gridPoints(exp.grid)).filter(
      (p) => !at || Object.entries(at).every(([k, vs]) => vs.includes(p[k])),
    );
    for (const point of points) {
      const config = {
        ...exp.defaults,
        ...profileKeys,
        ...variant.set,
        ...(variant.profiles?.[opts.profile] ?? {}),
        ...point,
        ...opts.overrides,
      } as Config;
      for (const seed of opts.seeds) {
        const hash = configHash({ experiment: exp.name, config, seed, backend: opts.backendLabel });
        specs.push({ hash, variant: variant.label, point, seed, config });
      }
    }
  }
  return specs;
}
