import type { CommandModule } from 'yargs';
import { parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { MODELS, listModels } from '@kd/models';
import { userPath } from '../paths.ts';
import { shownPath } from '../shown-path.ts';
import { helpWidth, wrap } from './help-text.ts';
import { planPredict, runPredict, type PredictArgs } from './predict/run-predict.ts';
import { backendOptions, withBackendFlags, type BackendFlags } from './backend-flags.ts';

interface PredictFlags extends BackendFlags {
  model: string;
  weights?: string;
  input: string[];
  out: string;
  size: string | number;
  'save-logits': boolean;
  fold: boolean;
  'keep-ext': boolean;
  list?: string;
  glob?: string;
}

/** The registered models, one `name  description` line each, for `predict --help`. */
export function modelsHelp(): string {
  const names = listModels();
  const w = Math.max(...names.map((n) => n.length));
  return [
    'Registered models:',
    ...names.map((n) => `  ${n.padEnd(w)}  ${wrap(MODELS.describe(n), w + 4, helpWidth())}`),
  ].join('\n');
}

/**
 * `pnpm exp predict --model NAME [--weights FILE] --input IMAGE|DIR... --out DIR [--size 224]
 * [--glob PATTERN] [--list FILE] [--keep-ext] [--save-logits]`: runs a registered model on real
 * images with its own preprocessing; writes 8-bit saliency (or label-index) PNGs at each image's
 * original size, and with --save-logits the raw main output (NCHW float32 .npy, before resizing
 * back). Two inputs that would share an output name are refused before anything is written.
 */
export const predictCommand: CommandModule<object, PredictFlags> = {
  command: 'predict',
  describe: 'Run a model on images; write saliency/label PNGs (and raw logits as .npy)',
  builder: (y) =>
    withBackendFlags(y)
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'a registered SOD or segmentation model (listed below; backbones, TinySOD and detectors are refused)',
      })
      .option('weights', { type: 'string', describe: '.safetensors with state_dict names, or a saveModel directory' })
      .option('input', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'image files and/or folders of images',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'output folder' })
      .option('size', { default: 224, describe: 'square network input size (multiple of the model stride)' })
      .option('glob', {
        type: 'string',
        describe: "folders: take only file names matching PATTERN (* ? {a,b}), e.g. '*.jpg'",
      })
      .option('list', {
        type: 'string',
        describe: 'folders: take only the images listed in FILE (one id or file name per line, e.g. test.txt)',
      })
      .option('keep-ext', {
        type: 'boolean',
        default: false,
        describe: 'keep the input extension in output names (a.jpg → a.jpg.png), so a.jpg and a.png do not collide',
      })
      .option('fold', {
        type: 'boolean',
        default: true,
        describe: 'run the BN-folded, fused inference graph (--no-fold: the eager forward; outputs agree to ~1e-6)',
      })
      .option('save-logits', {
        type: 'boolean',
        default: false,
        describe: 'also write <name>.npy: raw output, NCHW float32',
      })
      .epilogue(modelsHelp()) as never,
  handler: async (argv) => {
    const size = parseIntFlag('--size', argv.size, { min: 16 });
    const out = userPath(argv.out);
    const args: PredictArgs = {
      model: argv.model,
      weights: argv.weights ? userPath(argv.weights) : undefined,
      inputs: argv.input.map((p) => userPath(p)),
      out,
      size,
      saveLogits: argv['save-logits'],
      keepExt: argv['keep-ext'],
      list: argv.list !== undefined ? userPath(argv.list) : undefined,
      glob: argv.glob,
      fold: argv.fold,
    };
    planPredict(args); // bad inputs, filters or colliding output names: one line, before the backend starts
    await initBackend(backendOptions(argv));
    const t0 = Date.now();
    const written = await runPredict(args, (s) => console.error(s));
    console.error(`wrote ${written.length} files to ${shownPath(out)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  },
};
