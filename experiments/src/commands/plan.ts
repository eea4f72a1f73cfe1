import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError, applyOverrides, assertOneOf, parseIntFlag, parseSetFlags, type Config } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { ModelCosts, RECIPE_PLANS, diskBytes, finishPlan, planContext, probePlans, type RunPlan } from '@kd/distill';
import {
  PROFILES,
  expandSweep,
  isFinished,
  takeShard,
  type RunSpec,
  type Shard,
  type SweepExperiment,
} from '@kd/sweep';
import { EXPERIMENTS, type Profile } from '../experiment.ts';
import '../experiments/index.ts';
import { REPO_ROOT, userPath } from '../paths.ts';
import { SWEEPS } from '../sweep/registry.ts';
import { backendOptions, withBackendFlags, type BackendFlags } from './backend-flags.ts';

export interface SweepPlanOptions {
  profile: Profile;
  seeds: number[];
  /** `--set` values as strings (type-checked against the defaults here). */
  overrides: Record<string, string>;
  backendLabel: string;
  /** The data folder runs use; `countRoot` = the user's --data-root (count real splits there), else paper sizes. */
  dataDir: string;
  countRoot: string | null;
  /** With an out folder: finished runs and stored teachers cost nothing again. */
  outDir?: string;
  shard?: Shard;
  /** Measure each distinct model (time and activations); false: analytic memory, no time. */
  probe: boolean;
  /** The teacher-output cache's bound (`--teacher-cache-gb`): the cache holds at most this much, whatever the runs would write. */
  teacherCacheBytes?: number;
}

export interface SweepPlan {
  runs: { spec: RunSpec; plan: RunPlan }[];
  total: {
    steps: number;
    train_flops: number;
    disk_bytes: number;
    teacher_cache_bytes: number;
    teacher_cache_wanted_bytes: number;
    peak_memory_bytes: number;
    est_seconds: number | null;
  };
}

/** Teacher keys already stored under `<out>/cache/teachers` (a run loads them instead of training). */
function storedTeachers(outDir: string | undefined): Set<string> {
  const dir = outDir && path.join(outDir, 'cache', 'teachers');
  if (!dir || !fs.existsSync(dir)) return new Set();
  return new Set(fs.readdirSync(dir).filter((k) => fs.existsSync(path.join(dir, k, 'teacher.json'))));
}

/**
 * The plan of every run of a sweep, in table order, through the recipe's plan function: a
 * teacher is trained by the first run that needs its key, cache streams are written once.
 */
export async function planSweep(exp: SweepExperiment, o: SweepPlanOptions): Promise<SweepPlan> {
  const parsed = applyOverrides(exp.defaults, o.overrides);
  const typed: Config = Object.fromEntries(Object.keys(o.overrides).map((k) => [k, parsed[k]]));
  let specs = expandSweep(exp, { profile: o.profile, seeds: o.seeds, overrides: typed, backendLabel: o.backendLabel });
  if (o.shard) specs = takeShard(specs, o.shard);
  if (o.outDir) specs = specs.filter((s) => !isFinished(o.outDir!, exp.name, s.hash));
  const planOf = RECIPE_PLANS.get(exp.recipe);
  const ctx = planContext({
    backendLabel: o.backendLabel,
    dataDir: o.dataDir,
    countRoot: o.countRoot,
    costs: new ModelCosts(),
    teachers: storedTeachers(o.outDir),
  });
  let runs = specs.map((spec) => {
    ctx.seed = spec.seed;
    return { spec, plan: planOf(spec.config, ctx, exp.terms?.(spec.config) ?? []) };
  });
  if (o.probe) {
    const probes = await probePlans(runs.map((r) => r.plan));
    runs = runs.map((r) => ({ spec: r.spec, plan: finishPlan(r.plan.stages, r.plan, ctx.costs, probes) }));
  }
  const sum = (f: (p: RunPlan) => number) => runs.reduce((t, r) => t + f(r.plan), 0);
  const est = runs.some((r) => r.plan.estSeconds === null) ? null : sum((p) => p.estSeconds!);
  // The cache is an LRU bounded by --teacher-cache-gb: it never holds more than the bound; what does not fit is recomputed.
  const wanted = sum((p) => p.teacherCacheBytes);
  const cache = Math.min(wanted, o.teacherCacheBytes ?? Infinity);
  return {
    runs,
    total: {
      steps: sum((p) => p.stages.reduce((t, s) => t + s.steps, 0)),
      train_flops: sum((p) => p.trainFlops),
      disk_bytes: sum(diskBytes) - wanted + cache,
      teacher_cache_bytes: cache,
      teacher_cache_wanted_bytes: wanted,
      peak_memory_bytes: Math.max(0, ...runs.map((r) => r.plan.peakMemoryBytes)),
      est_seconds: est,
    },
  };
}

/** `--max-disk`: bytes (`500000000`) or decimal gigabytes (`20GB`, `1.5GB`). */
export function parseMaxDisk(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(GB)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-disk: expected BYTES or NGB (e.g. 500000000 or 20GB), got '${text}'`);
  return Math.floor(Number(m[1]) * (m[2] ? 1e9 : 1));
}

/** Free bytes under `dir` (its nearest existing ancestor: the out folder may not exist yet). */
export function freeBytes(dir: string): number {
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) d = path.dirname(d);
  const s = fs.statfsSync(d);
  return s.bavail * s.bsize;
}

/**
 * Refuses (UsageError, exit 2, nothing written) a plan whose disk need exceeds `--max-disk` or the
 * free space under `--out`; the line names the knob and, where the teacher cache is most of it,
 * `teacher_cache`.
 */
export function checkDiskFits(plan: SweepPlan, o: { maxDisk: number | null; outDir: string }): void {
  const need = plan.total.disk_bytes;
  const free = freeBytes(o.outDir);
  const [limit, knob] =
    o.maxDisk !== null && o.maxDisk < free
      ? [o.maxDisk, `--max-disk ${o.maxDisk}`]
      : [free, `free space under --out ${o.outDir}`];
  if (need <= limit) return;
  const cache = plan.total.teacher_cache_bytes;
  const hint =
    cache > need / 2
      ? `; the teacher cache is ${formatBytes(cache)}: lower --teacher-cache-gb or --set teacher_cache=false`
      : '';
  throw new UsageError(
    `plan: the runs need ${formatBytes(need)} of disk (checkpoints, exports, teacher cache ${formatBytes(cache)}) but ${knob} allows ${formatBytes(limit)}${hint}`,
  );
}

const unit = (v: number, units: string[], base: number) => {
  let i = 0;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
};
export const formatBytes = (b: number) => unit(b, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], 1000);
const formatFlops = (f: number) => unit(f, ['FLOP', 'kFLOP', 'MFLOP', 'GFLOP', 'TFLOP', 'PFLOP', 'EFLOP'], 1000);
const formatSeconds = (s: number | null) =>
  s === null
    ? '—'
    : s < 120
      ? `${s.toFixed(1)} s`
      : s < 7200
        ? `${(s / 60).toFixed(1)} min`
        : `${(s / 3600).toFixed(1)} h`;

/** `--json`: runs with their stages and totals, snake_case like the CSV columns. */
function toJson(p: SweepPlan) {
  return {
    runs: p.runs.map(({ spec, plan }) => ({
      hash: spec.hash,
      variant: spec.variant,
      point: spec.point,
      seed: spec.seed,
      stages: plan.stages.map((s) => ({
        name: s.name,
        model: s.model,
        steps: s.steps,
        batch: s.batch,
        images_seen: s.imagesSeen,
        input_size: s.inputSize,
        train_flops: s.trainFlops,
      })),
      steps: plan.stages.reduce((t, s) => t + s.steps, 0),
      train_flops: plan.trainFlops,
      peak_memory_bytes: plan.peakMemoryBytes,
      checkpoint_bytes: plan.checkpointBytes,
      export_bytes: plan.exportBytes,
      teacher_cache_bytes: plan.teacherCacheBytes,
      disk_bytes: diskBytes(plan),
      est_seconds: plan.estSeconds,
    })),
    total: p.total,
  };
}

function printPlan(name: string, p: SweepPlan): void {
  for (const [i, { spec, plan }] of p.runs.entries()) {
    console.log(
      `[${i + 1}/${p.runs.length}] ${spec.variant}${Object.keys(spec.point).length ? ` ${JSON.stringify(spec.point)}` : ''} seed ${spec.seed}`,
    );
    for (const s of plan.stages)
      console.log(
        `  ${s.name.padEnd(24)} ${s.model.padEnd(20)} ${String(s.steps).padStart(8)} steps × ${s.batch}  ${s.inputSize[0]}×${s.inputSize[1]}  ${formatFlops(s.trainFlops)}`,
      );
    console.log(
      `  memory ${formatBytes(plan.peakMemoryBytes)}; disk ${formatBytes(diskBytes(plan))} (checkpoints ${formatBytes(plan.checkpointBytes)}, exports ${formatBytes(plan.exportBytes)}, teacher cache ${formatBytes(plan.teacherCacheBytes)}); est. ${formatSeconds(plan.estSeconds)}`,
    );
  }
  const t = p.total;
  console.log(
    `\n${name}: ${p.runs.length} runs, ${t.steps} steps, ${formatFlops(t.train_flops)}, peak memory ${formatBytes(t.peak_memory_bytes)}, disk ${formatBytes(t.disk_bytes)} (teacher cache ${formatBytes(t.teacher_cache_bytes)}${t.teacher_cache_wanted_bytes > t.teacher_cache_bytes ? ` of ${formatBytes(t.teacher_cache_wanted_bytes)} the runs would write: bounded by --teacher-cache-gb, the rest recomputed` : ''}), est. ${formatSeconds(t.est_seconds)}`,
  );
}

interface PlanArgs extends BackendFlags {
  name: string;
  profile: string;
  'data-root'?: string;
  json: boolean;
  set: string[];
  seeds?: string;
  probe: boolean;
  'teacher-cache-gb': string;
}

/** `pnpm exp plan <name>`: what a sweep will cost (steps, FLOPs, memory, disk, time) before step 1. */
export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan <name>',
  describe: 'Print what a sweep will cost before running it: stages, steps, FLOPs, memory, disk, time',
  builder: (y) =>
    withBackendFlags(y)
      .positional('name', { type: 'string', demandOption: true, describe: 'sweep name (see `pnpm exp list`)' })
      .option('profile', { type: 'string', default: 'quick', describe: 'quick, medium or full' })
      .option('data-root', { type: 'string', describe: "count the real datasets here (default: the papers' sizes)" })
      .option('json', { type: 'boolean', default: false, describe: 'print { runs, total } as JSON' })
      .option('set', { type: 'string', array: true, default: [], describe: 'override a config key: --set key=value' })
      .option('seeds', { type: 'string', describe: "number of seeds (default: the experiment's)" })
      .option('teacher-cache-gb', {
        type: 'string',
        default: '16',
        describe: 'bound of the teacher-output cache, as in exp run',
      })
      .option('probe', {
        type: 'boolean',
        default: true,
        describe: 'time 3 training steps of each model (--no-probe: no time estimate, analytic memory)',
      }) as never,
  handler: async (args) => {
    EXPERIMENTS.get(args.name);
    if (!SWEEPS.has(args.name))
      throw new UsageError(`plan: ${args.name} is not a sweep; sweeps: ${SWEEPS.list().join(', ')}`);
    const exp = SWEEPS.get(args.name);
    const profile = assertOneOf('--profile', args.profile, PROFILES);
    const nSeeds = args.seeds === undefined ? (exp.defaultSeeds ?? 1) : parseIntFlag('--seeds', args.seeds, { min: 1 });
    const overrides = parseSetFlags(args.set);
    applyOverrides(exp.defaults, overrides);
    const countRoot = args['data-root'] ? userPath(args['data-root']) : null;
    if (countRoot && !fs.existsSync(countRoot)) throw new UsageError(`--data-root: ${countRoot} does not exist`);
    const backend = await initBackend(backendOptions(args));
    const plan = await planSweep(exp, {
      profile,
      seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
      overrides,
      backendLabel: backend.label,
      dataDir: countRoot ?? path.join(REPO_ROOT, 'datasets'),
      countRoot,
      probe: args.probe,
      teacherCacheBytes: Number(args['teacher-cache-gb']) * 1e9,
    });
    if (args.json) console.log(JSON.stringify(toJson(plan), null, 1));
    else printPlan(`${exp.name} (${profile}, ${backend.label})`, plan);
  },
};
