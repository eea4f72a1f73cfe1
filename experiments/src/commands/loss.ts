import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import * as tf from '@tensorflow/tfjs';
import { DataError, UsageError, assertOneOf, initBackend } from '@kd/core';
import { createPairLoss, listPairLosses, npyToNhwc, parseNpy } from '@kd/losses';
import { userPath } from '../paths.ts';

const LAYOUTS = ['nchw', 'nhwc'] as const;

export interface LossFromNpyOptions {
  name: string;
  /** Absolute paths of the two `.npy` files. */
  student: string;
  teacher: string;
  layout: (typeof LAYOUTS)[number];
  /** Temperature for pixel-kl / cwd (each loss's own default when absent). */
  T?: number;
  /** pairwise: max-pool kernel [H, W] (stride = kernel, ceil mode). */
  poolKernel?: [number, number];
}

function readNpy(file: string): Uint8Array {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return fs.readFileSync(file);
}

/**
 * Loads two rank-4 `.npy` arrays, converts them to NHWC and evaluates the registered pair loss
 * `name` on the current backend. Returns the loss value.
 */
export function lossFromNpy(o: LossFromNpyOptions): number {
  const opts: Record<string, unknown> = {};
  if (o.T !== undefined) {
    if (o.name !== 'pixel-kl' && o.name !== 'cwd') throw new UsageError(`--T applies to pixel-kl and cwd, not '${o.name}'`);
    opts.T = o.T;
  }
  if (o.poolKernel !== undefined) {
    if (o.name !== 'pairwise') throw new UsageError(`--pool-kernel applies to pairwise, not '${o.name}'`);
    opts.poolKernel = o.poolKernel;
  }
  const loss = createPairLoss(o.name, opts);
  const student = npyToNhwc(parseNpy(readNpy(o.student), o.student), o.layout, o.student);
  const teacher = npyToNhwc(parseNpy(readNpy(o.teacher), o.teacher), o.layout, o.teacher);
  try {
    const v = loss.compute({ student, teacher });
    const out = v.dataSync()[0];
    v.dispose();
    return out;
  } finally {
    tf.dispose([student, teacher]);
    loss.module?.dispose();
  }
}

interface Args { name: string; student: string; teacher: string; layout: string; T?: number; 'pool-kernel'?: number[]; json: boolean }

/**
 * `pnpm exp loss <name> --student S.npy --teacher T.npy [--layout nchw|nhwc] [--T 4] [--pool-kernel H W] [--json]`
 * Evaluates one (student, teacher) pair loss of @kd/losses on two NumPy arrays (float32/float64,
 * rank 4) on the cpu backend — for checking against other implementations. Prints `{"loss": v}`
 * with --json, else `<name>: v`.
 */
export const lossCommand: CommandModule<object, Args> = {
  command: 'loss <name>',
  describe: 'Evaluate a distillation loss on two .npy arrays (cpu backend)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: `pair loss: ${listPairLosses().join(' | ')}` })
      .option('student', { type: 'string', demandOption: true, describe: 'student array (.npy, rank 4)' })
      .option('teacher', { type: 'string', demandOption: true, describe: 'teacher array (.npy, rank 4)' })
      .option('layout', { type: 'string', default: 'nchw', describe: 'array layout: nchw | nhwc' })
      .option('T', { type: 'number', describe: 'temperature (pixel-kl default 1, cwd default 4)' })
      .option('pool-kernel', { type: 'number', array: true, describe: 'pairwise: max-pool kernel H W (stride = kernel, ceil mode)' })
      .option('json', { type: 'boolean', default: false, describe: 'print {"loss": value}' }) as never,
  handler: async (args) => {
    const layout = assertOneOf('--layout', args.layout, LAYOUTS);
    if (args.T !== undefined && !(Number.isFinite(args.T) && args.T > 0)) throw new UsageError(`--T: expected a number > 0, got '${args.T}'`);
    const pk = args['pool-kernel'];
    if (pk !== undefined && (pk.length !== 2 || !pk.every((k) => Number.isInteger(k) && k >= 1))) {
      throw new UsageError(`--pool-kernel: expected two integers >= 1 (H W), got '${pk.join(' ')}'`);
    }
    await initBackend({ backend: 'cpu', quiet: true });
    let value: number;
    try {
      value = lossFromNpy({ name: args.name, student: userPath(args.student), teacher: userPath(args.teacher), layout, T: args.T, poolKernel: pk as [number, number] | undefined });
    } catch (e) {
      // Bad files and shape mismatches are the user's input: one line, exit 2.
      if (e instanceof DataError) throw new UsageError(e.message);
      throw e;
    }
    console.log(args.json ? JSON.stringify({ loss: value }) : `${args.name}: ${value}`);
  },
};
