import { applyOverrides } from '../config.ts';
import { registerExperiment, type ExperimentResult } from '../experiment.ts';
import { expandSweep } from './expand.ts';
import { runJobs } from './jobs.ts';
import { readFinishedRuns } from './run-store.ts';
import { runSweep } from './run-sweep.ts';
import { writeSweepTables } from './sweep-tables.ts';
import { SWEEPS } from './registry.ts';
import type { SweepExperiment } from './sweep-experiment.ts';

/**
 * Registers a sweep under its name: `pnpm exp run <name>` runs this process's shard, resumes
 * past finished runs and rewrites `<out>/<name>.csv|.raw.csv|.md`; the printed table is the
 * aggregated one. With `--jobs N` it runs N worker processes on the same folder instead.
 */
export function registerSweep<C extends SweepExperiment>(exp: C): void {
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
        const specs = expandSweep(exp, { profile: ctx.profile, seeds: ctx.seeds, overrides: typed, backendLabel: ctx.backend.label });
        writeSweepTables(exp, specs, readFinishedRuns(ctx.outDir, exp.name), ctx.outDir);
        return { columns: [], rows: [], tablesWritten: true };
      }
      const { specs, ran, skipped } = await runSweep(exp, {
        profile: ctx.profile, seeds: ctx.seeds, shard: ctx.shard, overrides: typed, backend: ctx.backend, gitHash: ctx.gitHash,
        dataRoot: ctx.dataRoot, outDir: ctx.outDir, argv: ctx.argv, progress: ctx.progress,
      });
      if (ctx.progress) process.stderr.write(`${exp.name}: ${ran} run(s) now, ${skipped} already finished, ${specs.length} in the whole sweep\n`);
      return { columns: [], rows: [], tablesWritten: true };
    },
  });
}
