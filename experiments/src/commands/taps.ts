import type { CommandModule } from 'yargs';
import { initBackend } from '@kd/runtime';
import { userPath } from '../paths.ts';
import { checkTapsArgs, runTaps } from './taps/run-taps.ts';
import { backendOptions, withBackendFlags, type BackendFlags } from './backend-flags.ts';

interface TapsFlags extends BackendFlags {
  model: string;
  weights?: string;
  input: string;
  out: string;
}

/**
 * `pnpm exp taps --model NAME [--weights FILE] --input X.npy --out DIR`: runs the model in eval
 * mode on an NCHW float32 input (already normalised) and writes each declared tap as NCHW float32
 * `<DIR>/<tap>.npy`, the tool to check a weights import against a reference forward.
 */
export const tapsCommand: CommandModule<object, TapsFlags> = {
  command: 'taps',
  describe: 'Run a model on an NCHW .npy input; write each declared tap as <tap>.npy (check a weights import)',
  builder: (y) =>
    withBackendFlags(y)
      .option('model', { type: 'string', demandOption: true, describe: 'registered model name (see `list`)' })
      .option('weights', {
        type: 'string',
        describe: '.safetensors: kdlab names, torchvision (resnet*, mobilenetv2) or Megvii (yolox-*) keys',
      })
      .option('input', {
        type: 'string',
        demandOption: true,
        describe: 'NCHW float32 .npy [N,3,H,W], already normalised',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'output directory for <tap>.npy (NCHW float32)',
      }) as never,
  handler: async (argv) => {
    const args = {
      model: argv.model,
      weights: argv.weights ? userPath(argv.weights) : undefined,
      input: userPath(argv.input),
      out: userPath(argv.out),
    };
    checkTapsArgs(args);
    await initBackend(backendOptions(argv));
    const files = await runTaps(args, (s) => console.error(s));
    console.error(`wrote ${files.length} taps`);
  },
};
