import type { CommandModule } from 'yargs';
import { initBackend, parseIntFlag } from '@kd/core';
import { userPath } from '../paths.ts';
import { runPredict } from './predict/run-predict.ts';

interface PredictFlags {
  model: string;
  weights?: string;
  input: string[];
  out: string;
  size: string | number;
  'save-logits': boolean;
}

/**
 * `pnpm exp predict --model NAME [--weights FILE] --input IMAGE|DIR... --out DIR [--size 224] [--save-logits]`:
 * runs a registered model on real images with its own preprocessing; writes 8-bit saliency (or
 * label-index) PNGs at each image's original size, and with --save-logits the raw main output
 * (NCHW float32 .npy, before resizing back).
 */
export const predictCommand: CommandModule<object, PredictFlags> = {
  command: 'predict',
  describe: 'Run a model on images; write saliency/label PNGs (and raw logits as .npy)',
  builder: (y) =>
    y
      .option('model', { type: 'string', demandOption: true, describe: 'registered model name (see `list`)' })
      .option('weights', { type: 'string', describe: '.safetensors with state_dict names, or a saveModel directory' })
      .option('input', { type: 'string', array: true, demandOption: true, describe: 'image files and/or directories of images' })
      .option('out', { type: 'string', demandOption: true, describe: 'output directory' })
      .option('size', { default: 224, describe: 'square network input size (multiple of the model stride)' })
      .option('save-logits', { type: 'boolean', default: false, describe: 'also write <name>.npy: raw output, NCHW float32' }) as never,
  handler: async (argv) => {
    const size = parseIntFlag('--size', argv.size, { min: 16 });
    await initBackend();
    const t0 = Date.now();
    const written = await runPredict(
      {
        model: argv.model,
        weights: argv.weights ? userPath(argv.weights) : undefined,
        inputs: argv.input.map((p) => userPath(p)),
        out: userPath(argv.out),
        size,
        saveLogits: argv['save-logits'],
      },
      (s) => console.error(s),
    );
    console.error(`wrote ${written.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  },
};
