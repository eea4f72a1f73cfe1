import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, writeFileAtomic } from '@kd/core';
import { activeBackend, initBackend, probeDawn, releaseWebGpu } from '@kd/runtime';
import type { DenseModel } from '@kd/nn';
import { createModel, listModels } from '@kd/models';
import { profileModel } from '@kd/bench';
import {
  assignBuffers,
  calibrateBatchNorm,
  denseMseLoss,
  inputTarget,
  readBuffers,
  taskLoss,
  testImages,
  type OutputsLoss,
} from '@kd/models/testing';
import { firstError } from './first-error.ts';
import { FAMILIES, PARITY_CASES, TIMED_MODELS, type ParityCase } from './parity-cases.ts';

/**
 * The GPU device check (run by scripts/device-check.sh, which sets up node, node_modules and
 * Vulkan first). Subcommands, each printing one JSON object per line on stdout:
 *   parity [--cases a,b]   cpu vs webgpu: one SGD step of each family's case (batch 1, 32², BN
 *                          frozen), the loss before the step and after it; |Δ| ≤ 1e-3 passes.
 *   time --model M --backend webgpu|wasm [--size S] [--threads T] [--repeats R] [--warmup W]
 *                          profileModel: inference at batch 1 and 8 (one line), then the training
 *                          step at batch 8 (a second line; a wasm heap abort loses only that one).
 *   all --out DIR [--budget-s 480] [--size 224] [--threads 8] [--repeats 2] [--warmup 1]
 *                          parity, then time for each TIMED_MODELS × (webgpu, wasm), each in a
 *                          child process; writes DIR/device-check.json after every step (atomic)
 *                          and skips what would start after the budget.
 * KD_DAWN_BACKEND=null runs everything on Dawn's null adapter (values meaningless: a smoke test).
 */

const TOLERANCE = 1e-3;
const SIZE = 32;

type Flags = Record<string, string>;
function parseFlags(argv: string[]): Flags {
  const out: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--'))
      throw new Error(`device-check: unexpected argument '${argv[i]}' (flags are --name value)`);
    out[argv[i].slice(2)] = argv[i + 1] ?? '';
    i++;
  }
  return out;
}
const num = (f: Flags, k: string, d: number): number => {
  const v = f[k] === undefined ? d : Number(f[k]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`device-check: --${k} must be a positive number, got '${f[k]}'`);
  return v;
};

/** One SGD step; the loss before it, read asynchronously (webgpu in Node has no dataSync). */
async function stepLoss(model: DenseModel, opt: tf.Optimizer, x: tf.Tensor4D, loss: OutputsLoss): Promise<number> {
  const l = opt.minimize(() => loss(model.forward(x)), true, model.trainableVariables()) as tf.Scalar;
  const v = (await l.data())[0];
  l.dispose();
  return v;
}

async function evalLoss(model: DenseModel, x: tf.Tensor4D, loss: OutputsLoss): Promise<number> {
  const l = tf.tidy(() => loss(model.forward(x)));
  const v = (await l.data())[0];
  l.dispose();
  return v;
}

const build = (c: ParityCase) => createModel(c.model, { rng: new Rng(7), ...c.opts });

/** [loss before, loss after] one SGD step of case `c` on `backend`, and the tensors it left. */
async function trainOnce(backend: string, c: ParityCase, stats?: Map<string, Float32Array>) {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
  const before = tf.memory().numTensors;
  const model = build(c);
  if (stats) assignBuffers(model, stats);
  model.eval();
  const x = testImages(3, 1, SIZE, SIZE);
  const shapes = tf.tidy(() => model.forward(x).map((o) => o.shape));
  const dense = model.task === 'det' || c.target === 'dense';
  const targets = dense
    ? shapes.map((s) => inputTarget(x, s, SIZE / s[1], 'dense'))
    : [inputTarget(x, shapes[0], 16, shapes[0][3] === 1 ? 'binary' : 'onehot')];
  const loss: OutputsLoss = dense ? (outs) => denseMseLoss(outs, targets) : (outs) => taskLoss(outs, targets[0]);
  const opt = tf.train.sgd(c.lr);
  const losses = [await stepLoss(model, opt, x, loss), await evalLoss(model, x, loss)];
  tf.dispose([x, ...targets]);
  model.dispose();
  opt.dispose();
  return { losses, leaked: tf.memory().numTensors - before };
}

async function parity(flags: Flags): Promise<void> {
  const info = await initBackend({ backend: 'webgpu', quiet: true });
  const registered = listModels();
  const wanted = flags.cases ? flags.cases.split(',') : PARITY_CASES.map((c) => c.model);
  const covered = new Set(Object.values(FAMILIES).flat());
  console.log(
    JSON.stringify({
      kind: 'parity-info',
      adapter: info.adapter,
      label: info.label,
      uncovered: registered.filter((n) => !covered.has(n)),
    }),
  );
  for (const c of PARITY_CASES.filter((k) => wanted.includes(k.model))) {
    const t0 = performance.now();
    if (!registered.includes(c.model)) {
      console.log(JSON.stringify({ kind: 'parity', model: c.model, skipped: 'not registered' }));
      continue;
    }
    try {
      let stats: Map<string, Float32Array> | undefined;
      if (c.bn === 'calibrated') {
        await tf.setBackend('cpu');
        const m = build(c);
        const x = testImages(5, 4, 64, 64);
        calibrateBatchNorm(m, x);
        stats = readBuffers(m);
        x.dispose();
        m.dispose();
      }
      const cpu = await trainOnce('cpu', c, stats);
      const gpu = await trainOnce('webgpu', c, stats);
      const diff = Math.max(...cpu.losses.map((l, i) => Math.abs(l - gpu.losses[i])));
      const pass = diff <= TOLERANCE && gpu.leaked === 0 && cpu.leaked === 0;
      console.log(
        JSON.stringify({
          kind: 'parity',
          model: c.model,
          cpu: cpu.losses,
          webgpu: gpu.losses,
          max_abs_diff: diff,
          tolerance: TOLERANCE,
          pass,
          leaked: { cpu: cpu.leaked, webgpu: gpu.leaked },
          seconds: (performance.now() - t0) / 1000,
        }),
      );
    } catch (e) {
      console.log(
        JSON.stringify({
          kind: 'parity',
          model: c.model,
          error: (e as Error).message.split('\n')[0],
          seconds: (performance.now() - t0) / 1000,
        }),
      );
    }
  }
}

async function time(flags: Flags): Promise<void> {
  const backend = flags.backend;
  if (backend !== 'webgpu' && backend !== 'wasm')
    throw new Error(`device-check time: --backend must be webgpu or wasm, got '${backend}'`);
  const size = num(flags, 'size', 224),
    repeats = num(flags, 'repeats', 2),
    warmup = Number(flags.warmup ?? 1);
  const info = await initBackend({ backend, threads: backend === 'wasm' ? num(flags, 'threads', 1) : 1, quiet: true });
  const model = createModel(flags.model, { rng: new Rng(1) });
  const base = {
    kind: 'time',
    model: flags.model,
    backend: info.label,
    adapter: info.adapter ?? null,
    threads: info.threads,
    size,
    repeats,
    warmup,
  };
  try {
    const inf = await profileModel(model, { size, batches: [1, 8], repeats, warmup, trainBatch: null });
    const b1 = inf.inference.find((i) => i.batch === 1)!,
      b8 = inf.inference.find((i) => i.batch === 8)!;
    console.log(
      JSON.stringify({
        ...base,
        part: 'inference',
        params: inf.params,
        macs: inf.macs,
        infer_ms_b1: b1.median_ms,
        infer_ms_b8: b8.median_ms,
        infer_iqr_ms_b8: b8.iqr_ms,
        peak_bytes: inf.peak_bytes.inference,
      }),
    );
    const tr = await profileModel(model, { size, batches: [], repeats, warmup, trainBatch: 8 });
    console.log(
      JSON.stringify({
        ...base,
        part: 'train',
        train_ms_b8: tr.train?.median_ms ?? null,
        train_iqr_ms_b8: tr.train?.iqr_ms ?? null,
        train_img_s_b8: tr.train?.images_per_s ?? null,
        peak_bytes: tr.peak_bytes.train,
      }),
    );
  } finally {
    model.dispose();
  }
}

/** Writes `data` as JSON (and a newline) to `file` atomically. */
function writeJsonLine(file: string, data: unknown): void {
  writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n');
}

async function all(flags: Flags): Promise<void> {
  const out = flags.out;
  if (!out) throw new Error('device-check all: --out DIR is required');
  fs.mkdirSync(path.join(out, 'logs'), { recursive: true });
  const budget = num(flags, 'budget-s', 480) * 1000;
  const t0 = Date.now();
  const pass = ['size', 'threads', 'repeats', 'warmup'].flatMap((k) => (flags[k] ? [`--${k}`, flags[k]] : []));
  const probe = probeDawn();
  const result: Record<string, unknown> = {
    started: new Date().toISOString(),
    node: process.version,
    dawn_options: probe.options,
    adapter: probe.adapter,
    null_adapter: probe.isNull,
    adapter_reason: probe.reason ?? null,
    budget_s: budget / 1000,
    parity: [] as unknown[],
    timings: [] as unknown[],
    skipped: [] as string[],
  };
  const file = path.join(out, 'device-check.json');
  writeJsonLine(file, result);
  const run = (name: string, args: string[], capS: number): Record<string, unknown>[] => {
    const left = budget - (Date.now() - t0);
    if (left < 20_000) {
      (result.skipped as string[]).push(name);
      return [];
    }
    const s0 = Date.now();
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...args], {
      encoding: 'utf8',
      timeout: Math.min(capS * 1000, left),
      maxBuffer: 1 << 26,
    });
    fs.writeFileSync(
      path.join(out, 'logs', `${name}.log`),
      `${args.join(' ')}\nexit ${r.status} signal ${r.signal} after ${((Date.now() - s0) / 1000).toFixed(1)} s\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
    const rows = (r.stdout ?? '')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    if (r.status !== 0)
      rows.push({
        kind: 'error',
        step: name,
        exit: r.status,
        signal: r.signal,
        error: firstError(`${r.stdout}\n${r.stderr}`) ?? `exit ${r.status}`,
      });
    return rows;
  };
  if (probe.adapter) {
    result.parity = run('parity', ['parity'], 300);
    writeJsonLine(file, result);
  } else (result.skipped as string[]).push(`parity (no WebGPU adapter: ${probe.reason})`);
  for (const model of TIMED_MODELS) {
    for (const backend of probe.adapter ? ['webgpu', 'wasm'] : ['wasm']) {
      (result.timings as unknown[]).push(
        ...run(`time-${model}-${backend}`, ['time', '--model', model, '--backend', backend, ...pass], 240),
      );
      writeJsonLine(file, result);
    }
  }
  result.seconds = (Date.now() - t0) / 1000;
  writeJsonLine(file, result);
  console.log(JSON.stringify(result, null, 2));
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  const flags = parseFlags(rest);
  if (cmd === 'parity') await parity(flags);
  else if (cmd === 'time') await time(flags);
  else if (cmd === 'all') await all(flags);
  else throw new Error(`device-check: unknown command '${cmd ?? ''}' (expected parity, time or all)`);
  if (activeBackend()?.name === 'webgpu') releaseWebGpu();
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
