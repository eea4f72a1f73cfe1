import { NonFiniteLossError } from '@kd/core';
import type { RunExecutor } from '../run-sweep.ts';
import type { SweepExperiment } from '../sweep-experiment.ts';

/**
 * A sweep with no training, for testing the engine: its metric is a fixed function of
 * (variant, grid point, seed); variant `diverges` fails with a NaN loss at step 3;
 * TOY_SLEEP_MS slows each run so a test can kill the process mid-sweep.
 */
export const toySweep: SweepExperiment = {
  name: 'toy',
  description: 'engine test sweep',
  defaults: { method: 'none', k: 1, scale: 1 },
  profiles: { quick: { scale: 1 }, full: { scale: 10 } },
  variants: [
    { label: 'baseline', set: { method: 'none' } },
    { label: 'better', set: { method: 'kd' } },
    { label: 'diverges', set: { method: 'nan' } },
  ],
  grid: { k: [1, 2] },
  defaultSeeds: 3,
  groupBy: [],
  metrics: ['score'],
  paper: { better: { score: 0.5 } },
  claims: [
    {
      id: 'better-k1',
      paper: 'toy',
      says: 'kd beats none',
      better: 'better',
      than: 'baseline',
      metric: 'score',
      direction: 'higher',
      at: { k: 1 },
      paperDelta: 0.1,
    },
    {
      id: 'diverges',
      paper: 'toy',
      says: 'the diverging row beats none',
      better: 'diverges',
      than: 'baseline',
      metric: 'score',
      direction: 'higher',
      at: { k: 2 },
    },
  ],
  recipe: 'toy',
};

/** The toy sweep's "recipe". */
export const toyExecutor: RunExecutor = async (_exp, spec, run) => {
  const cfg = spec.config;
  const sleep = Number(process.env.TOY_SLEEP_MS ?? 0);
  if (sleep) await new Promise((r) => setTimeout(r, sleep));
  run.log({ step: 1, loss: 1 });
  if (cfg.method === 'nan') throw new NonFiniteLossError(3, Number.NaN);
  const score =
    (cfg.method === 'kd' ? 0.6 : 0.4) + 0.01 * Number(cfg.k) + 0.001 * run.rng.int(0, 10) * Number(cfg.scale);
  return { score };
};
