import { spawnSync } from 'node:child_process';
import type { CommandModule } from 'yargs';
import { Rng, UsageError, parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { createModel, listModels } from '@kd/models';
import { profileModel, toMetricJson, type ModelProfile } from '@kd/bench';
import { withBackendFlags, type BackendFlags } from '../backend-flags.ts';

interface Args extends BackendFlags {
  'one-process': boolean;
  model?: string;
  size: string;
  repeats: string;
  warmup: string;
  json: boolean;
}

/** The per-model JSON record (`--json`); the first nine keys are the documented interface. */
function record(p: ModelProfile): Record<string, unknown> {
  const b1 = p.inference.find((i) => i.batch === 1),
    b8 = p.inference.find((i) => i.batch === 8);
  return {
    name: p.name,
    params: p.params,
    macs: p.macs,
    size: p.size,
    infer_ms_b1: b1?.median_ms ?? null,
    infer_ms_b8: b8?.median_ms ?? null,
    train_ms_b8: p.train?.median_ms ?? null,
    backend: p.backend,
    threads: p.threads,
    flops: p.flops,
    fps_b1: b1?.fps ?? null,
    fps_b8: b8?.fps ?? null,
    train_img_s_b8: p.train?.images_per_s ?? null,
    infer_iqr_ms_b1: b1?.iqr_ms ?? null,
    infer_iqr_ms_b8: b8?.iqr_ms ?? null,
    train_iqr_ms_b8: p.train?.iqr_ms ?? null,
    repeats: b1?.repeats ?? null,
    peak_bytes_infer_b8: p.peak_bytes.inference,
    peak_bytes_train_b8: p.peak_bytes.train,
  };
}

const fmt = (v: number | null, d = 1): string => (v === null ? '–' : v.toFixed(d));

/**
 * `pnpm exp bench models [--model NAME|GLOB] [--size 224] [--repeats 3] [--warmup 1] [--json]`
 * Profiles every registered model (or those matching --model) on the active backend: exact
 * params, analytic MACs at size², inference ms at batch 1 and 8 (median of the repeats, warm-up
 * excluded, download of the main output included), training-step ms at batch 8, peak memory.
 * Models are built with seed 1. With several models each runs in its own child process, so one
 * model exhausting the wasm heap (an unrecoverable abort) is reported as an `error` row instead
 * of ending the run. `--json` prints an array of records (keys name, params, macs,
 * size, infer_ms_b1, infer_ms_b8, train_ms_b8, backend, threads, then extras).
 */
export const benchModelsCommand: CommandModule<object, Args> = {
  command: 'models',
  describe: 'Params, MACs, inference and train-step latency of registered models',
  builder: (y) =>
    withBackendFlags(y)
      .option('model', { type: 'string', describe: 'model name or glob (default: all registered)' })
      .option('size', { type: 'string', default: '224', describe: 'square input side' })
      .option('repeats', { type: 'string', default: '3', describe: 'timed repeats per measurement' })
      .option('warmup', { type: 'string', default: '1', describe: 'untimed warm-up runs' })
      .option('json', { type: 'boolean', default: false, describe: 'JSON array on stdout' })
      .option('one-process', {
        type: 'boolean',
        default: false,
        describe: 'profile all models in this process (no isolation)',
      }) as never,
  handler: async (args) => {
    const size = parseIntFlag('--size', args.size, { min: 8 });
    const repeats = parseIntFlag('--repeats', args.repeats, { min: 1 });
    const warmup = parseIntFlag('--warmup', args.warmup, { min: 0 });
    const names = listModels(args.model ?? '*');
    if (names.length === 0)
      throw new UsageError(
        `--model: no registered model matches '${args.model}'; registered: ${listModels().join(', ')}`,
      );
    if (names.length > 1 && !args['one-process']) return runIsolated(names, args);
    await initBackend({ backend: args.backend, threads: args.threads, quiet: args.json, readsAsync: true }); // profileModel reads with await
    const rows: Record<string, unknown>[] = [];
    for (const name of names) {
      const model = createModel(name, { rng: new Rng(1) });
      try {
        const p = await profileModel(model, { size, batches: [1, 8], repeats, warmup, trainBatch: 8 });
        const r = record(p);
        rows.push(r);
        if (!args.json) {
          console.log(
            `${name.padEnd(22)} params ${String(p.params).padStart(10)}  MACs ${(p.macs / 1e6).toFixed(1).padStart(8)}M @${size}²  ` +
              `infer b1 ${fmt(r.infer_ms_b1 as number)} ms (${fmt(r.fps_b1 as number)} img/s)  b8 ${fmt(r.infer_ms_b8 as number)} ms  ` +
              `train b8 ${fmt(r.train_ms_b8 as number)} ms (${fmt(r.train_img_s_b8 as number)} img/s)  peak ${(Math.max(p.peak_bytes.train ?? 0, p.peak_bytes.inference) / 2 ** 20).toFixed(0)} MiB  [${p.backend}, ${repeats} repeats]`,
          );
        }
      } finally {
        model.dispose();
      }
    }
    if (args.json) console.log(toMetricJson(rows));
  },
};

/** Runs `bench models --model NAME --json` per model in a child process and prints the merged result. */
function runIsolated(names: string[], args: Args): void {
  const rows: Record<string, unknown>[] = [];
  const pass = ['--size', args.size, '--repeats', args.repeats, '--warmup', args.warmup];
  if (args.backend) pass.push('--backend', args.backend);
  if (args.threads) pass.push('--threads', args.threads);
  for (const name of names) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1], 'bench', 'models', '--model', name, '--json', ...pass],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 1 << 26,
      },
    );
    let row: Record<string, unknown>;
    try {
      row = (JSON.parse(r.stdout) as Record<string, unknown>[])[0];
    } catch {
      const why =
        (r.stderr || '')
          .split('\n')
          .find((l) => /error|abort/i.test(l))
          ?.trim() ?? `exit code ${r.status}`;
      row = {
        name,
        params: null,
        macs: null,
        size: Number(args.size),
        infer_ms_b1: null,
        infer_ms_b8: null,
        train_ms_b8: null,
        backend: null,
        threads: null,
        error: why,
      };
    }
    rows.push(row);
    if (!args.json) {
      if (row.error) console.log(`${name.padEnd(22)} failed: ${String(row.error)}`);
      else
        console.log(
          `${name.padEnd(22)} params ${String(row.params).padStart(10)}  MACs ${((row.macs as number) / 1e6).toFixed(1).padStart(8)}M @${args.size}²  ` +
            `infer b1 ${fmt(row.infer_ms_b1 as number)} ms (${fmt(row.fps_b1 as number)} img/s)  b8 ${fmt(row.infer_ms_b8 as number)} ms  ` +
            `train b8 ${fmt(row.train_ms_b8 as number)} ms (${fmt(row.train_img_s_b8 as number)} img/s)  peak ${(Math.max((row.peak_bytes_train_b8 as number) ?? 0, row.peak_bytes_infer_b8 as number) / 2 ** 20).toFixed(0)} MiB  [${String(row.backend)}, ${args.repeats} repeats]`,
        );
    }
  }
  if (args.json) console.log(toMetricJson(rows));
}
