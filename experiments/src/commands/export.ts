import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError, parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { REPO_ROOT, userPath } from '../paths.ts';
import { resolveRun } from './export/resolve-run.ts';
import { runExport } from './export/run-export.ts';
import { backendOptions, withBackendFlags, type BackendFlags } from './backend-flags.ts';

interface ExportFlags extends BackendFlags {
  run?: string;
  model?: string;
  weights?: string;
  format: string;
  out: string;
  size?: string | number;
  results: string;
  fold: boolean;
}

/**
 * `pnpm exp export --run <run folder | sweep row hash> --format tfjs --out DIR` (or `--model NAME
 * --weights FILE`): writes a standard TF.js graph model (model.json + shards) that stock
 * `tf.loadGraphModel` runs in a browser, with stock TensorFlow ops only; its
 * `userDefinedMetadata.kdlab` holds model, task, input size, normalisation and output resize.
 */
export const exportCommand: CommandModule<object, ExportFlags> = {
  command: 'export',
  describe: 'Export a trained student as a standard TF.js graph model (for the browser demo)',
  builder: (y) =>
    withBackendFlags(y)
      .option('run', {
        type: 'string',
        describe: 'run folder (with student/model.json), a saveModel folder, or a sweep row run hash [EXPERIMENT/]HASH',
      })
      .option('model', { type: 'string', describe: 'registered model name (with --weights; checked against --run)' })
      .option('weights', {
        type: 'string',
        describe: '.safetensors with state_dict names (official checkpoints) or a saveModel folder',
      })
      .option('format', { type: 'string', default: 'tfjs', describe: "output format: 'tfjs' (graph model)" })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'output folder (e.g. demo/models/<name> for `pnpm demo`)',
      })
      .option('size', { describe: "square network input size (default: the model's own)" })
      .option('fold', {
        type: 'boolean',
        default: true,
        describe:
          'fold eval BatchNorms and their activations into the convolutions (--no-fold: the same kernels as our forward)',
      })
      .option('results', {
        type: 'string',
        default: path.join(REPO_ROOT, 'experiments/results'),
        describe: 'where run hashes are looked up',
      }) as never,
  handler: async (argv) => {
    if (argv.format !== 'tfjs') throw new UsageError(`--format: '${argv.format}' is not supported; expected 'tfjs'`);
    if (argv.run && argv.weights) throw new UsageError('--run and --weights: pass one (a run carries its own weights)');
    const size = argv.size === undefined ? undefined : parseIntFlag('--size', argv.size, { min: 16 });
    const runDir = argv.run
      ? resolveRun(fs.existsSync(userPath(argv.run)) ? userPath(argv.run) : argv.run, userPath(argv.results))
      : null;
    await initBackend(backendOptions(argv));
    await runExport(
      {
        runDir,
        model: argv.model,
        weights: argv.weights ? userPath(argv.weights) : undefined,
        out: userPath(argv.out),
        size,
        fold: argv.fold,
      },
      (s) => console.error(s),
    );
  },
};
