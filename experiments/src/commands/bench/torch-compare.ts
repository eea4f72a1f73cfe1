import os from 'node:os';
import type { CommandModule } from 'yargs';
import { UsageError, parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { TfjsSide, type InferPath } from './tfjs-side.ts';
import { TORCH_MODELS, TorchServer, torchMissing } from './torch-server.ts';

const MODELS = TORCH_MODELS;
type Task = 'train' | 'infer_b1' | 'infer_b8' | 'infer_b1_eager' | 'infer_b8_eager';
const TASKS: Task[] = ['train', 'infer_b1', 'infer_b8'];
/** With `--infer both`: the eager forward as two more tasks, interleaved with the rest (same load). */
const EAGER_TASKS: Task[] = ['infer_b1_eager', 'infer_b8_eager'];

interface Args {
  json: boolean;
  threads: number;
  models: string;
  rounds: number;
  iters: number;
  size: number;
  batch: number;
  infer: string;
  tasks: string;
  'csnet-micro-batches': number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (v: number) => Math.round(v * 100) / 100;

/**
 * `pnpm exp bench torch-compare [--json] [--threads N] [--models a,b] [--rounds R] [--iters K] [--infer folded|eager]`
 * Times the same architectures in tfjs (wasm) and PyTorch (tools/reference/torch-timing, one Python
 * process), interleaved: per round and model, train b8 then inference b1 and b8, K timed runs on
 * each side (after one warm-up), the side going first alternating between rounds. Prints medians
 * over all timed runs and the ratios tfjs/torch, plus the load average before and after. Inference
 * runs the BN-folded, fused graph (@kd/models InferenceGraph: main output only, as deployed) unless
 * `--infer eager`; torch runs its eager eval forward (all outputs).
 */
export const torchCompareCommand: CommandModule<object, Args> = {
  command: 'torch-compare',
  describe: 'Time train/inference of the paper models against PyTorch (same shapes, same threads)',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
      .option('threads', {
        type: 'number',
        default: 1,
        describe: 'threads for both sides (wasm workers; torch + OpenBLAS)',
      })
      .option('models', { type: 'string', default: MODELS.join(','), describe: `comma list of ${MODELS.join(', ')}` })
      .option('rounds', { type: 'number', default: 3, describe: 'interleaved rounds' })
      .option('iters', { type: 'number', default: 3, describe: 'timed runs per side, task and round' })
      .option('size', { type: 'number', default: 224, describe: 'input side' })
      .option('batch', { type: 'number', default: 8, describe: 'train and large-inference batch' })
      .option('infer', {
        type: 'string',
        default: 'folded',
        describe:
          'tfjs inference path: folded (BN-folded, fused graph, main output only) | eager (model.forward) | both (eager as infer_b*_eager)',
      })
      .option('tasks', { type: 'string', default: 'train,infer', describe: 'comma list of train, infer' })
      .option('csnet-micro-batches', {
        type: 'number',
        default: 4,
        describe: 'tfjs CSNet train step as this many slices (wasm32 heap is 4 GB); 1 = whole batch',
      }) as never,
  handler: async (args) => {
    const threads = parseIntFlag('--threads', args.threads, { min: 1 });
    const rounds = parseIntFlag('--rounds', args.rounds, { min: 1 });
    const iters = parseIntFlag('--iters', args.iters, { min: 1 });
    const batch = parseIntFlag('--batch', args.batch, { min: 1 });
    const csMicro = parseIntFlag('--csnet-micro-batches', args['csnet-micro-batches'], { min: 1 });
    if (batch % csMicro) throw new UsageError(`--csnet-micro-batches: ${csMicro} does not divide --batch ${batch}`);
    if (args.infer !== 'eager' && args.infer !== 'folded' && args.infer !== 'both')
      throw new UsageError(`--infer: '${args.infer}' is not one of folded, eager, both`);
    const inferPath: InferPath = args.infer === 'eager' ? 'eager' : 'folded';
    const wanted = new Set(args.tasks.split(',').map((t) => t.trim()));
    for (const w of wanted)
      if (w !== 'infer' && w !== 'train') throw new UsageError(`--tasks: '${w}' is not one of train, infer`);
    const tasks = (args.infer === 'both' ? [...TASKS, ...EAGER_TASKS] : TASKS).filter((t) =>
      wanted.has(t === 'train' ? 'train' : 'infer'),
    );
    const microOf = (n: string) => (n.startsWith('csnet') ? csMicro : 1);
    const names = args.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const n of names)
      if (!(MODELS as readonly string[]).includes(n))
        throw new UsageError(`--models: '${n}' has no torch reference; choose from ${MODELS.join(', ')}`);
    const missing = torchMissing();
    if (missing) {
      const msg = `torch-compare skipped: ${missing}`;
      if (args.json) console.log(JSON.stringify({ skipped: msg, models: [] }));
      else console.log(msg);
      return;
    }
    const info = await initBackend({ backend: 'wasm', threads, quiet: args.json });
    const load0 = os.loadavg();
    const torch = TorchServer.start(threads);
    const hello = await torch.call({ cmd: 'hello' });
    const sides = new Map<string, TfjsSide>();
    const params = new Map<string, [number, number]>();
    for (const n of names) {
      const side = new TfjsSide(n, args.size, inferPath);
      sides.set(n, side);
      const p = (await torch.call({ cmd: 'build', model: n, size: args.size })).params as number;
      params.set(n, [side.model.countParams(), p]);
    }
    const samples = new Map<string, number[]>();
    const push = (k: string, v: number[]) => samples.set(k, [...(samples.get(k) ?? []), ...v]);
    for (let r = 0; r < rounds; r++) {
      for (const n of names) {
        const side = sides.get(n)!;
        for (const task of tasks) {
          const b = task.startsWith('infer_b1') ? 1 : batch;
          const path: InferPath = task.endsWith('_eager') ? 'eager' : inferPath;
          const fn = task === 'train' ? () => side.train(b, microOf(n)) : () => side.infer(b, path);
          const ours = async () => {
            fn();
            const ms: number[] = [];
            for (let i = 0; i < iters; i++) {
              const t0 = performance.now();
              fn();
              ms.push(performance.now() - t0);
            }
            push(`${n}|${task}|tfjs`, ms);
          };
          const theirs = async () => {
            const res = await torch.call({
              cmd: 'time',
              model: n,
              what: task === 'train' ? 'train' : 'infer',
              batch: b,
              warmup: 1,
              iters,
            });
            push(`${n}|${task}|torch`, res.ms as number[]);
          };
          if (r % 2 === 0) {
            await ours();
            await theirs();
          } else {
            await theirs();
            await ours();
          }
        }
      }
    }
    await torch.quit();
    for (const s of sides.values()) s.dispose();
    const load1 = os.loadavg();
    const rows = names.map((n) => {
      const m = (task: Task, who: string) => median(samples.get(`${n}|${task}|${who}`)!);
      const row: Record<string, unknown> = { name: n, threads: info.threads, train_micro_batches: microOf(n) };
      for (const task of tasks) {
        const ours = m(task, 'tfjs'),
          theirs = m(task, 'torch');
        const key = task === 'train' ? 'train' : task;
        row[`${key}_ms`] = r2(ours);
        row[`torch_${key}_ms`] = r2(theirs);
        row[`${key}_ratio`] = r2(ours / theirs);
      }
      row.params = params.get(n)![0];
      row.torch_params = params.get(n)![1];
      return row;
    });
    const meta = {
      backend: info.label,
      infer_path: inferPath,
      torch: hello.torch,
      torch_threads: hello.threads,
      size: args.size,
      batch,
      rounds,
      iters,
      loadavg_before: load0.map(r2),
      loadavg_after: load1.map(r2),
    };
    if (args.json) {
      console.log(JSON.stringify({ models: rows, ...meta }));
      return;
    }
    console.log(
      `tfjs ${info.label} (inference: ${inferPath}) vs torch ${String(hello.torch)} (${String(hello.threads)} thread${hello.threads === 1 ? '' : 's'}, OpenBLAS ${threads}), ${args.size}², batch ${batch}; medians of ${rounds}×${iters} runs`,
    );
    console.log(
      `load average before ${meta.loadavg_before.join(' ')}, after ${meta.loadavg_after.join(' ')} (a busy machine inflates both sides unevenly)`,
    );
    console.log(
      'model               train ms (torch)  ratio | infer b1 ms (torch)  ratio | infer b8 ms (torch)  ratio',
    );
    for (const r of rows) {
      const cell = (k: string) =>
        `${String(r[`${k}_ms`]).padStart(8)} (${String(r[`torch_${k}_ms`]).padStart(7)}) ${String(r[`${k}_ratio`]).padStart(5)}×`;
      const cellOf = (k: string) =>
        r[`${k}_ms`] === undefined ? `${'–'.padStart(8)} ${''.padStart(9)} ${''.padStart(6)}` : cell(k);
      console.log(`${String(r.name).padEnd(18)} ${cellOf('train')} | ${cellOf('infer_b1')} | ${cellOf('infer_b8')}`);
      if (r.infer_b1_eager_ms !== undefined)
        console.log(`${'  eager forward'.padEnd(44)} | ${cellOf('infer_b1_eager')} | ${cellOf('infer_b8_eager')}`);
      if (Number(r.train_micro_batches) > 1)
        console.log(
          `  tfjs train step as ${String(r.train_micro_batches)} micro-batches of ${batch / Number(r.train_micro_batches)} (one Adam step; wasm32 heap limit)`,
        );
      if (r.params !== r.torch_params)
        console.log(
          `  warning: parameter counts differ (tfjs ${String(r.params)}, torch ${String(r.torch_params)}): not the same architecture`,
        );
    }
  },
};
