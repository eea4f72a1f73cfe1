import * as tf from '@tensorflow/tfjs';
import { applyOverrides } from '@kd/core';
import { RECIPES, checkTermSpecs } from '@kd/distill';
import {
  checkClaims,
  expandSweep,
  PROFILES,
  readFinishedRuns,
  runJobs,
  runSweep,
  writeSweepTables,
  type RunExecutor,
  type SweepExperiment,
} from '@kd/sweep';
import { registerExperiment, type ExperimentResult } from '../experiment.ts';
import { SWEEPS } from './registry.ts';

/**
 * Runs one configuration of a declared sweep: its recipe (by name) with its terms, and checks
 * that the run left no tensor behind.
 */
export const recipeExecutor: RunExecutor = async (exp, spec, run) => {
  const recipe = RECIPES.get(exp.recipe);
  const before = tf.memory().numTensors;
  const row = await recipe(spec.config, run, exp.terms?.(spec.config as never) ?? []);
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`${exp.name}: run ${spec.hash} (${spec.variant}) leaked ${leaked} tensors`);
  return row;
};

/** Every row's declared terms, under both profiles, name known losses (checked at registration, before any run). */
export function checkTerms(exp: SweepExperiment): void {
  if (!exp.terms) return;
  for (const profile of PROFILES.filter((p) => exp.profiles[p])) {
    for (const spec of expandSweep(exp, { profile, seeds: [1], overrides: {}, backendLabel: 'check' }))
      checkTermSpecs(exp.terms(spec.config), `${exp.name}: row '${spec.variant}'`);
  }
}

/**
 * Registers a sweep under its name: `pnpm exp run <name>` runs this process's shard, resumes
 * past finished runs and rewrites `<out>/<name>.csv|.raw.csv|.md`; the printed table is the
 * aggregated one. With `--jobs N` it runs N worker processes on the same folder instead.
 */
export function registerSweep<C extends SweepExperiment>(exp: C): void {
  checkClaims(exp);
  if (!RECIPES.has(exp.recipe))
    throw new Error(`${exp.name}: unknown recipe '${exp.recipe}'; recipes: ${RECIPES.list().join(', ')}`);
  checkTerms(exp);
  SWEEPS.register(exp.name, exp, exp.description);
  registerExperiment({
    name: exp.name,
    description: exp.description,
    defaults: exp.defaults,
    defaultSeeds: exp.defaultSeeds,
    run: async (ctx): Promise<ExperimentResult> => {
      const overrides = applyOverrides(exp.defaults, ctx.overrides);
      const typed = Object.fromEntries(Object.keys(ctx.overrides).map((k) => [k, overrides[k]]));
      if (ctx.jobs > 1) {
        await runJobs(ctx.jobs, ctx.argv);
        const specs = expandSweep(exp, {
          profile: ctx.profile,
          seeds: ctx.seeds,
          overrides: typed,
          backendLabel: ctx.backend.label,
        });
        writeSweepTables(exp, specs, readFinishedRuns(ctx.outDir, exp.name), ctx.outDir);
        return { columns: [], rows: [], tablesWritten: true };
      }
      const { specs, ran, skipped } = await runSweep(
        exp,
        {
          profile: ctx.profile,
          seeds: ctx.seeds,
          shard: ctx.shard,
          overrides: typed,
          backend: ctx.backend,
          gitHash: ctx.gitHash,
          dataRoot: ctx.dataRoot,
          outDir: ctx.outDir,
          argv: ctx.argv,
          progress: ctx.progress,
          checkpoint: { everySteps: ctx.checkpointEvery, minutes: 10 },
          teacherCacheBytes: ctx.teacherCacheBytes,
          smoke: ctx.smoke,
        },
        recipeExecutor,
      );
      if (ctx.progress)
        process.stderr.write(
          `${exp.name}: ${ran} run(s) now, ${skipped} already finished, ${specs.length} in the whole sweep\n`,
        );
      return { columns: [], rows: [], tablesWritten: true };
    },
  });
}
