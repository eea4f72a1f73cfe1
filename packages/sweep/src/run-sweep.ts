import fs from 'node:fs';
import path from 'node:path';
import {
  Claim,
  DeferredError,
  NonFiniteLossError,
  Rng,
  sleep,
  touchHeldClaims,
  writeJsonAtomic,
  type BackendInfo,
  type Config,
  type RunContext,
} from '@kd/core';
import type { ResultRow } from '@kd/bench/tables';
import { expandSweep, type RunSpec } from './expand.ts';
import { claimFileOf, isFinished, readFinishedRuns, runDirOf, type StoredRun } from './run-store.ts';
import { takeShard, type Shard } from './shard.ts';
import type { Profile, SweepExperiment } from './sweep-experiment.ts';
import { writeSweepTables } from './sweep-tables.ts';

/**
 * Runs one configuration: the recipe named by the declaration, with the run's folder, generator
 * and log (the experiments layer supplies it, with its tensor-leak check).
 */
/** The teacher-output cache's default bound: fits an ordinary disk beside the datasets. */
export const DEFAULT_TEACHER_CACHE_BYTES = 16e9;

export type RunExecutor = (exp: SweepExperiment, spec: RunSpec, run: RunContext) => Promise<ResultRow>;

export interface SweepOptions {
  profile: Profile;
  seeds: number[];
  shard: Shard;
  overrides: Config;
  backend: BackendInfo;
  gitHash: string;
  dataRoot: string;
  outDir: string;
  argv: string[];
  progress: boolean;
  /** Checkpoints inside each run (default: each epoch's end, at most every 10 minutes). */
  checkpoint?: RunContext['checkpoint'];
  /** Bound of the teacher-output cache (default 16 GB). */
  teacherCacheBytes?: number;
  /** `--smoke`: each run gets `smoke` (2 steps per stage, ≤ 4 test images) and its row `smoke: true`. */
  smoke?: boolean;
}

/**
 * Runs this process's shard of the sweep. A run whose `row.json` exists is skipped (resume);
 * a run folder without one is an interrupted run and starts over. A NaN/Inf loss marks the run
 * failed with its step and the sweep goes on. After every run the tables are rebuilt from all
 * finished runs, so a SIGKILL at any point loses at most the run in progress.
 */
export async function runSweep(
  exp: SweepExperiment,
  opts: SweepOptions,
  execute: RunExecutor,
): Promise<{ specs: RunSpec[]; ran: number; skipped: number }> {
  const all = expandSweep(exp, {
    profile: opts.profile,
    seeds: opts.seeds,
    overrides: opts.overrides,
    backendLabel: opts.backend.label,
  });
  const mine = takeShard(all, opts.shard);
  const skipped = mine.filter((spec) => isFinished(opts.outDir, exp.name, spec.hash)).length;
  let ran = 0;
  const cacheDir = path.join(opts.outDir, 'cache');
  // Work queue shared with any other process on the same out folder (`--jobs`, or shards on a
  // shared disk): a run is claimed before it starts; runs claimed elsewhere are revisited until
  // they finish or their claim is abandoned, so this process returns only when its slice is done.
  // A run whose teacher another process is training is deferred, not waited for, while other
  // runs can go ahead (e.g. the no-KD rows while the teacher trains).
  const deferred = new Set<string>();
  let runSeconds = 0;
  for (let pass = 0; ; pass++) {
    let pending = 0,
      progressed = false;
    for (const [i, spec] of mine.entries()) {
      if (isFinished(opts.outDir, exp.name, spec.hash)) continue;
      const claim = Claim.tryTake(claimFileOf(opts.outDir, exp.name, spec.hash));
      if (!claim) {
        pending++;
        continue;
      }
      try {
        if (isFinished(opts.outDir, exp.name, spec.hash)) continue; // finished between the check and the claim
        const title = `[${exp.name} ${i + 1}/${mine.length}] ${spec.variant}${Object.keys(spec.point).length ? ` ${JSON.stringify(spec.point)}` : ''} seed ${spec.seed}`;
        if (opts.progress && !deferred.has(spec.hash)) process.stderr.write(`${title}\n`);
        const t0 = Date.now();
        try {
          await runOneSpec(exp, spec, opts, cacheDir, execute);
        } catch (e) {
          if (!(e instanceof DeferredError)) throw e;
          if (opts.progress && !deferred.has(spec.hash))
            process.stderr.write(`  its teacher is being trained by another job: deferred\n`);
          deferred.add(spec.hash);
          pending++;
          continue;
        }
        if (opts.progress && deferred.has(spec.hash))
          process.stderr.write(`${title}: finished (it had waited for its teacher)\n`);
        ran++;
        progressed = true;
        runSeconds += (Date.now() - t0) / 1000;
        if (opts.progress)
          process.stderr.write(
            `${sweepEta(exp.name, mine.filter((x) => isFinished(opts.outDir, exp.name, x.hash)).length, mine.length, runSeconds / ran)}\n`,
          );
      } finally {
        claim.release();
      }
      writeSweepTables(exp, all, readFinishedRuns(opts.outDir, exp.name), opts.outDir);
    }
    if (pending === 0) break;
    if (progressed) continue;
    if (opts.progress && pass === 0)
      process.stderr.write(
        `${exp.name}: waiting for ${pending} run(s) held by another process or waiting for its teacher\n`,
      );
    await sleep(2000);
  }
  writeSweepTables(exp, all, readFinishedRuns(opts.outDir, exp.name), opts.outDir);
  return { specs: all, ran, skipped };
}

/** One run: fresh folder with resolved config and argv, the recipe, then `row.json` written atomically. */
async function runOneSpec(
  exp: SweepExperiment,
  spec: RunSpec,
  opts: SweepOptions,
  cacheDir: string,
  execute: RunExecutor,
): Promise<void> {
  const runDir = runDirOf(opts.outDir, exp.name, spec.hash);
  // An interrupted run starts over from its newest checkpoint: keep `checkpoints/` (and the log, appended to), clear the rest.
  if (fs.existsSync(runDir))
    for (const f of fs.readdirSync(runDir))
      if (f !== 'checkpoints' && f !== 'log.jsonl') fs.rmSync(path.join(runDir, f), { recursive: true, force: true });
  fs.mkdirSync(runDir, { recursive: true });
  writeJsonAtomic(path.join(runDir, 'config.json'), {
    experiment: exp.name,
    variant: spec.variant,
    point: spec.point,
    seed: spec.seed,
    profile: opts.profile,
    backend: opts.backend.label,
    config: spec.config,
  });
  fs.writeFileSync(path.join(runDir, 'argv.txt'), opts.argv.join(' ') + '\n');
  const logFd = fs.openSync(path.join(runDir, 'log.jsonl'), 'a');
  const provenance = { backend: opts.backend.label, threads: opts.backend.threads, git_hash: opts.gitHash };
  let stored: StoredRun;
  try {
    const row = await execute(exp, spec, {
      seed: spec.seed,
      rng: new Rng(spec.seed),
      backend: opts.backend,
      gitHash: opts.gitHash,
      dataRoot: opts.dataRoot,
      runDir,
      cacheDir,
      progress: opts.progress,
      deferBusyTeacher: true,
      checkpoint: opts.checkpoint ?? { everySteps: null, minutes: 10 },
      teacherCacheBytes: opts.teacherCacheBytes ?? DEFAULT_TEACHER_CACHE_BYTES,
      smoke: opts.smoke ?? false,
      log: (r) => {
        fs.writeSync(logFd, JSON.stringify(r) + '\n');
        touchHeldClaims();
      },
    });
    stored = {
      hash: spec.hash,
      variant: spec.variant,
      point: spec.point,
      seed: spec.seed,
      status: 'ok',
      row: { ...row, ...provenance, ...(opts.smoke ? { smoke: true } : {}) },
    };
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    stored = {
      hash: spec.hash,
      variant: spec.variant,
      point: spec.point,
      seed: spec.seed,
      status: 'failed',
      error: e.message,
      failed_step: e.step,
      row: provenance,
    };
    if (opts.progress) process.stderr.write(`  failed: ${e.message}\n`);
  } finally {
    fs.closeSync(logFd);
  }
  writeJsonAtomic(path.join(runDir, 'row.json'), stored);
}

/**
 * The sweep's overall progress line after a run: finished runs of this slice (whoever ran them)
 * and the remaining time at this process's mean run time, for one worker (with `--jobs N`
 * sharing the folder, divide by N).
 */
export function sweepEta(name: string, finished: number, total: number, secondsPerRun: number): string {
  const left = total - finished;
  const min = (left * secondsPerRun) / 60;
  return `${name}: ${finished}/${total} runs finished${left > 0 ? `; ≈ ${min < 10 ? min.toFixed(1) : Math.round(min)} min left at ${(secondsPerRun / 60).toFixed(1)} min/run on one worker` : ''}`;
}
