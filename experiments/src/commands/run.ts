import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import {
  UsageError,
  assertOneOf,
  gitHash,
  parseIntFlag,
  type BackendInfo,
  applyOverrides,
  parseSetFlags,
} from '@kd/core';
import { initBackend } from '@kd/runtime';
import { setPhaseProgressSink } from '@kd/data';
import { EXPERIMENTS, type Profile } from '../experiment.ts';
import '../experiments/index.ts';
import { REPO_ROOT, userPath } from '../paths.ts';
import { SWEEPS } from '../sweep/registry.ts';
import { PROFILES, resolveShard } from '@kd/sweep';
import { formatTable, writeResultCsv } from '../results.ts';
import { shownPath } from '../shown-path.ts';
import { setKeysHelp } from './run-help.ts';
import { backendOptions, withBackendFlags, type BackendFlags } from './backend-flags.ts';
import { checkDiskFits, parseMaxDisk, planSweep } from './plan.ts';

interface RunArgs extends BackendFlags {
  name: string;
  seed: string;
  seeds?: string;
  'seed-list'?: string;
  shard?: string;
  jobs: string;
  out?: string;
  profile: string;
  'data-root'?: string;
  set: string[];
  quiet: boolean;
  'max-disk'?: string;
  'checkpoint-every'?: string;
  'teacher-cache-gb': string;
  smoke: boolean;
}

/**
 * `pnpm exp run <name>`: validates every flag first (exit 2 and nothing written on a bad one),
 * selects the backend, runs the experiment, writes `<out>/<name>.csv` and prints the table.
 */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <name>',
  describe: 'Run an experiment and write its CSV table',
  builder: (y) =>
    withBackendFlags(y)
      .positional('name', { type: 'string', demandOption: true, describe: 'experiment name (see `pnpm exp list`)' })
      .option('seed', { type: 'string', default: '1', describe: 'first seed (init, data order and augmentation)' })
      .option('seeds', {
        type: 'string',
        describe:
          "number of seeds: runs seed, seed+1, … (tables report mean±std; default: the experiment's, 1 for most)",
      })
      .option('seed-list', {
        type: 'string',
        describe: 'exactly these seeds, comma-separated (e.g. 11,12,13); excludes --seed/--seeds',
      })
      .option('shard', {
        type: 'string',
        describe: 'run slice K/N of a sweep (else SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + KD_SHARD_COUNT)',
      })
      .option('jobs', {
        type: 'string',
        default: 'auto',
        describe:
          'worker processes sharing a sweep: N, or auto = one per core on wasm/cpu (cores ÷ threads), 1 on tensorflow',
      })
      .option('out', { type: 'string', describe: 'folder for the CSV and run folders (default experiments/results)' })
      .option('profile', {
        type: 'string',
        default: 'quick',
        describe: 'quick (CPU minutes), medium (a larger CPU table, where an experiment has one) or full (paper scale)',
      })
      .option('data-root', { type: 'string', describe: 'datasets folder (default <repo>/datasets)' })
      .option('set', { type: 'string', array: true, default: [], describe: 'override a config key: --set key=value' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' })
      .option('smoke', {
        type: 'boolean',
        default: false,
        describe:
          "the profile's exact code path with 2 optimizer steps per training stage and at most 4 test images; results under <out>/smoke/, rows marked smoke",
      })
      .option('max-disk', {
        type: 'string',
        describe:
          'refuse a sweep whose plan needs more disk than this: BYTES or NGB (default: the free space under --out)',
      })
      .option('teacher-cache-gb', {
        type: 'string',
        default: '16',
        describe:
          'bound of the on-disk teacher-output cache shared by a sweep (least recently used entries evicted); 0 = off',
      })
      .option('checkpoint-every', {
        type: 'string',
        describe:
          'checkpoint every N steps of each training stage (default: each epoch and at most every 10 minutes); a rerun resumes from the newest',
      })
      .epilogue(setKeysHelp()) as never,
  handler: async (args) => {
    const experiment = EXPERIMENTS.get(args.name);
    const seed = parseIntFlag('--seed', args.seed, { min: 1 });
    const nSeeds =
      args.seeds === undefined ? (experiment.defaultSeeds ?? 1) : parseIntFlag('--seeds', args.seeds, { min: 1 });
    const seeds =
      args['seed-list'] === undefined
        ? Array.from({ length: nSeeds }, (_, i) => seed + i)
        : parseSeedList(
            args['seed-list'],
            args.seeds !== undefined || process.argv.some((a) => a === '--seed' || a.startsWith('--seed=')),
          );
    const shard = resolveShard(args.shard);
    const maxDisk = args['max-disk'] === undefined ? null : parseMaxDisk(args['max-disk']);
    const cacheGb = Number(args['teacher-cache-gb']);
    if (!(cacheGb >= 0))
      throw new UsageError(
        `--teacher-cache-gb: expected a number of gigabytes >= 0, got '${args['teacher-cache-gb']}'`,
      );
    const checkpointEvery =
      args['checkpoint-every'] === undefined
        ? null
        : parseIntFlag('--checkpoint-every', args['checkpoint-every'], { min: 1 });
    const jobsFlag = args.jobs === 'auto' ? null : parseIntFlag('--jobs', args.jobs, { min: 1 });
    if (jobsFlag !== null && jobsFlag > 1 && !SWEEPS.has(experiment.name))
      throw new UsageError(
        `--jobs: ${experiment.name} is not a sweep (it runs in one process); sweeps: ${SWEEPS.list().join(', ')}`,
      );
    const profile = assertOneOf('--profile', args.profile, PROFILES) as Profile;
    const backendFlags = backendOptions(args);
    const overrides = parseSetFlags(args.set);
    applyOverrides(experiment.defaults, overrides);
    const baseOut = args.out ? userPath(args.out) : path.join(REPO_ROOT, 'experiments', 'results');
    // Smoke results never mix with real tables (nor a 2-step teacher with the real one in the teacher store).
    const outDir = args.smoke ? path.join(baseOut, 'smoke') : baseOut;
    const dataRoot = args['data-root'] ? userPath(args['data-root']) : path.join(REPO_ROOT, 'datasets');
    if (args.quiet) setPhaseProgressSink(null);
    const backend = await initBackend({ ...backendFlags, readsAsync: ASYNC_READERS.has(experiment.name) });
    // `exp plan`'s arithmetic (no probe) first: a sweep that would not fit on disk is refused before anything is written.
    if (SWEEPS.has(experiment.name) && !args.smoke)
      checkDiskFits(
        await planSweep(SWEEPS.get(experiment.name), {
          profile,
          seeds,
          overrides,
          backendLabel: backend.label,
          dataDir: dataRoot,
          countRoot: args['data-root'] ? dataRoot : null,
          outDir,
          shard,
          probe: false,
          teacherCacheBytes: cacheGb * 1e9,
        }),
        { maxDisk, outDir },
      );
    const jobs = jobsFlag ?? autoJobs(backend, SWEEPS.has(experiment.name));
    const runDir = path.join(outDir, 'runs', `${experiment.name}-seed${seeds[0]}`);
    const result = await experiment.run({
      name: experiment.name,
      backend,
      gitHash: gitHash(REPO_ROOT, ['experiments/results']),
      profile,
      dataRoot,
      outDir,
      runDir,
      overrides,
      argv: process.argv.slice(2),
      progress: !args.quiet,
      seed: seeds[0],
      seeds,
      shard,
      jobs,
      checkpointEvery,
      teacherCacheBytes: cacheGb * 1e9,
      smoke: args.smoke,
    });
    const csv = path.join(outDir, `${experiment.name}.csv`);
    if (result.tablesWritten) console.log(fs.readFileSync(path.join(outDir, `${experiment.name}.md`), 'utf8'));
    else {
      writeResultCsv(csv, result);
      console.log(formatTable(result));
    }
    console.log(`\nwrote ${shownPath(csv)}`);
  },
};

/**
 * `--seed-list 11,12,13`: exactly those seeds, in that order, each a positive integer, no
 * repeats. Combined with `--seed` or `--seeds` it is a usage error (which seeds would run?).
 */
export function parseSeedList(text: string, clashes: boolean): number[] {
  if (clashes) throw new UsageError('--seed-list: give either --seed-list or --seed/--seeds, not both');
  const parts = text.split(',').map((p) => p.trim());
  const seeds = parts.map((p) => parseIntFlag('--seed-list', p, { min: 1 }));
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (dup !== undefined) throw new UsageError(`--seed-list: seed ${dup} is listed twice in '${text}'`);
  return seeds;
}

/**
 * Experiments whose whole pipeline reads tensors asynchronously, so `--backend auto` may pick
 * webgpu for them (checked on Dawn's null adapter); the others use sync reads (teacher-output
 * cache, detection label assignment, pruning) that webgpu in Node cannot serve.
 */
const ASYNC_READERS = new Set(['quickstart']);

/**
 * `--jobs auto`: a sweep on wasm/cpu runs one single-threaded worker per core (cores ÷ wasm
 * threads), which is ~N× faster than one process on N cores for these small models; the native
 * backend (tfjs-node / -gpu) already uses every core or the GPU, so it runs one process.
 */
export function autoJobs(backend: BackendInfo, isSweep: boolean): number {
  if (!isSweep || backend.name === 'tensorflow' || backend.name === 'webgpu') return 1;
  return Math.max(1, Math.floor(os.availableParallelism() / Math.max(1, backend.threads)));
}
