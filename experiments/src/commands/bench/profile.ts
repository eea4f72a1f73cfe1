import os from 'node:os';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError, parseIntFlag, writeFileAtomic } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { profileKernels, type KernelProfile } from '@kd/bench';
import { TfjsSide, type InferPath } from './tfjs-side.ts';
import { TORCH_MODELS, TorchServer, torchMissing } from './torch-server.ts';

interface Args {
  models: string;
  threads: number;
  size: number;
  batch: number;
  runs: number;
  top: number;
  infer: string;
  tasks: string;
  out?: string;
  json: boolean;
  'csnet-micro-batches': number;
}

interface TorchProfile {
  total_ms: number;
  ops: { op: string; calls: number; self_ms: number }[];
}

export interface ProfileSection {
  model: string;
  task: 'infer_b1' | 'infer_bN' | 'train';
  batch: number;
  tfjs: KernelProfile;
  torch: TorchProfile | null;
}

const f1 = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const pct = (v: number, t: number) => `${((100 * v) / t).toFixed(1)} %`;

/** One section as Markdown: totals, then the top-N tfjs kernels and torch ops side by side. */
export function sectionMarkdown(s: ProfileSection, top: number): string {
  const t = s.tfjs;
  const lines = [
    `### ${s.model} — ${s.task === 'train' ? `train step b${s.batch}` : `inference b${s.batch}`}`,
    '',
    `tfjs ${f1(t.total_ms)} ms per run (kernels ${f1(t.kernel_ms)} ms, overhead ${f1(t.total_ms - t.kernel_ms)} ms, ` +
      `${t.kernels.reduce((a, k) => a + k.calls, 0).toFixed(0)} kernel calls)` +
      (s.torch ? `; torch ${f1(s.torch.total_ms)} ms per run (profiler on)` : ''),
    '',
    '| # | tfjs kernel | calls | ms | share | torch op (self) | calls | ms | share |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const torchOps = s.torch?.ops ?? [];
  const torchSum = torchOps.reduce((a, o) => a + o.self_ms, 0);
  for (let i = 0; i < top; i++) {
    const k = t.kernels[i];
    const o = torchOps[i];
    if (!k && !o) break;
    const left = k ? `${k.kernel} | ${f1(k.calls)} | ${f1(k.ms)} | ${pct(k.ms, t.kernel_ms)}` : ' | | | ';
    const right = o ? `${o.op} | ${f1(o.calls)} | ${f1(o.self_ms)} | ${pct(o.self_ms, torchSum)}` : ' | | | ';
    lines.push(`| ${i + 1} | ${left} | ${right} |`);
  }
  const restK = t.kernels.slice(top).reduce((a, k) => a + k.ms, 0);
  const restT = torchOps.slice(top).reduce((a, o) => a + o.self_ms, 0);
  lines.push(
    `| | (other ${Math.max(0, t.kernels.length - top)} kernels) | | ${f1(restK)} | ${pct(restK, t.kernel_ms)} | ` +
      (s.torch
        ? `(other ${Math.max(0, torchOps.length - top)} ops) | | ${f1(restT)} | ${pct(restT, torchSum)} |`
        : ' | | | |'),
  );
  return lines.join('\n');
}

/**
 * `pnpm exp bench profile [--models a,b] [--threads N] [--infer eager|folded] [--tasks infer,train] [--out file.md] [--json]`
 * Per-kernel time of inference (b1, b`--batch`) and of one training step (BCE + Adam, as
 * torch-compare) on the active tfjs backend (wasm by default), next to torch.profiler's self time
 * per aten op for the same model and task (tools/reference/torch-timing, same threads). Prints
 * (or writes) Markdown with the load average before and after.
 */
export const benchProfileCommand: CommandModule<object, Args> = {
  command: 'profile',
  describe: 'Per-op time of inference and the train step, tfjs kernels next to torch.profiler ops',
  builder: (y) =>
    y
      .option('models', { type: 'string', default: TORCH_MODELS.join(','), describe: 'comma list of models' })
      .option('threads', { type: 'number', default: 1, describe: 'threads for both sides' })
      .option('size', { type: 'number', default: 224, describe: 'input side' })
      .option('batch', { type: 'number', default: 8, describe: 'train and large-inference batch' })
      .option('runs', { type: 'number', default: 3, describe: 'profiled runs per task (after one warm-up)' })
      .option('top', { type: 'number', default: 12, describe: 'rows per table' })
      .option('infer', { type: 'string', default: 'folded', describe: 'tfjs inference path: eager | folded' })
      .option('tasks', { type: 'string', default: 'infer,train', describe: 'comma list of infer, train' })
      .option('out', { type: 'string', describe: 'write the Markdown here (else stdout)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object instead' })
      .option('csnet-micro-batches', {
        type: 'number',
        default: 4,
        describe: 'tfjs CSNet train step as this many slices (wasm32 heap is 4 GB)',
      }) as never,
  handler: async (args) => {
    const threads = parseIntFlag('--threads', args.threads, { min: 1 });
    const runs = parseIntFlag('--runs', args.runs, { min: 1 });
    const batch = parseIntFlag('--batch', args.batch, { min: 1 });
    const top = parseIntFlag('--top', args.top, { min: 1 });
    const csMicro = parseIntFlag('--csnet-micro-batches', args['csnet-micro-batches'], { min: 1 });
    if (batch % csMicro) throw new UsageError(`--csnet-micro-batches: ${csMicro} does not divide --batch ${batch}`);
    if (args.infer !== 'eager' && args.infer !== 'folded')
      throw new UsageError(`--infer: '${args.infer}' is not one of eager, folded`);
    const inferPath = args.infer as InferPath;
    const wanted = new Set(args.tasks.split(',').map((t) => t.trim()));
    for (const w of wanted)
      if (w !== 'infer' && w !== 'train') throw new UsageError(`--tasks: '${w}' is not one of infer, train`);
    const names = args.models
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const n of names)
      if (!(TORCH_MODELS as readonly string[]).includes(n))
        throw new UsageError(`--models: '${n}' has no torch reference; choose from ${TORCH_MODELS.join(', ')}`);
    const info = await initBackend({ backend: 'wasm', threads, quiet: args.json });
    const load0 = os.loadavg();
    const torch = torchMissing() ? null : TorchServer.start(threads);
    const hello = torch ? await torch.call({ cmd: 'hello' }) : null;
    const sections: ProfileSection[] = [];
    for (const n of names) {
      const side = new TfjsSide(n, args.size, inferPath);
      if (torch) await torch.call({ cmd: 'build', model: n, size: args.size });
      const micro = n.startsWith('csnet') ? csMicro : 1;
      const tasks = [
        { task: 'infer_b1', b: 1, run: () => side.infer(1), what: 'infer' },
        { task: 'infer_bN', b: batch, run: () => side.infer(batch), what: 'infer' },
        { task: 'train', b: batch, run: () => side.train(batch, micro), what: 'train' },
      ] as const;
      for (const t of tasks.filter((k) => wanted.has(k.what))) {
        const tfjs = await profileKernels(t.run, runs);
        const th = torch
          ? ((await torch.call({
              cmd: 'profile',
              model: n,
              what: t.what,
              batch: t.b,
              runs,
            })) as unknown as TorchProfile)
          : null;
        sections.push({ model: n, task: t.task, batch: t.b, tfjs, torch: th });
      }
      side.dispose();
    }
    if (torch) await torch.quit();
    const load1 = os.loadavg();
    const meta = {
      backend: info.label,
      threads: info.threads,
      infer_path: inferPath,
      torch: hello?.torch ?? null,
      size: args.size,
      runs,
      date: new Date().toISOString(),
      loadavg_before: load0.map((v) => Number(v.toFixed(2))),
      loadavg_after: load1.map((v) => Number(v.toFixed(2))),
    };
    if (args.json) {
      console.log(JSON.stringify({ ...meta, sections }));
      return;
    }
    const md = [
      `## Profile: tfjs ${info.label} (inference path: ${inferPath}) vs torch ${String(meta.torch)}, ${threads} thread${threads === 1 ? '' : 's'}, ${args.size}²`,
      '',
      `${meta.date}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); load average before ${meta.loadavg_before.join(' ')}, after ${meta.loadavg_after.join(' ')}. ` +
        `Means of ${runs} runs after one warm-up. tfjs: wall time of each outermost kernel call (forward, gradient and Adam kernels alike); ` +
        'overhead = run time − Σ kernels. torch: torch.profiler self CPU time per op (exclusive).' +
        (torch ? '' : ' (torch missing: no torch columns)'),
      '',
      ...sections.map((s) => sectionMarkdown(s, top) + '\n'),
    ].join('\n');
    if (args.out) {
      writeFileAtomic(path.resolve(args.out), md);
      console.log(`wrote ${args.out}`);
    } else console.log(md);
  },
};
