import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import * as tf from '@tensorflow/tfjs';
import { DataError, UsageError, assertOneOf, parseNpy } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { createPairLoss, listPairLosses, lossDefinition, npyToNhwc, type OptionSpec } from '@kd/losses';
import { userPath } from '../paths.ts';

const LAYOUTS = ['nchw', 'nhwc'] as const;

/** One command-line flag: a loss option (number, boolean, string or int[]) of one or more pair losses. */
export interface LossFlag {
  /** `--pool-kernel` for the option `poolKernel`. */
  flag: string;
  key: string;
  spec: OptionSpec;
  /** The pair losses that take it, sorted. */
  losses: string[];
}

const kebab = (key: string) => key.replace(/[a-z][A-Z]/g, (m) => `${m[0]}-${m[1].toLowerCase()}`);

/** The flags of `pnpm exp loss`, built from the pair losses' option definitions. */
export function lossFlags(): LossFlag[] {
  const byKey = new Map<string, LossFlag>();
  for (const name of listPairLosses()) {
    for (const [key, spec] of Object.entries(lossDefinition(name).options)) {
      if (spec.type === 'object') continue;
      const f = byKey.get(key);
      if (!f) byKey.set(key, { flag: kebab(key), key, spec, losses: [name] });
      else if (f.spec.type !== spec.type)
        throw new Error(`loss option '${key}' is ${f.spec.type} in ${f.losses[0]} but ${spec.type} in ${name}`);
      else f.losses.push(name);
    }
  }
  return [...byKey.values()].sort((a, b) => a.flag.localeCompare(b.flag));
}

/** Checks a flag's value against its option spec; a UsageError naming the flag otherwise. */
export function checkFlagValue(f: LossFlag, v: unknown): unknown {
  const { type, positive, length, choices } = f.spec;
  const bad = (expected: string) =>
    new UsageError(`--${f.flag}: expected ${expected}, got '${Array.isArray(v) ? v.join(' ') : String(v)}'`);
  if (type === 'number' && !(typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0)))
    throw bad(positive ? 'a number > 0' : 'a number');
  if (
    type === 'int[]' &&
    !(
      Array.isArray(v) &&
      (length === undefined || v.length === length) &&
      v.every((k) => Number.isInteger(k) && k >= 1)
    )
  ) {
    throw bad(`${length ?? 'some'} integers >= 1`);
  }
  if (type === 'string' && choices) assertOneOf(`--${f.flag}`, String(v), choices);
  return v;
}

export interface LossFromNpyOptions {
  name: string;
  /** Absolute paths of the two `.npy` files. */
  student: string;
  teacher: string;
  layout: (typeof LAYOUTS)[number];
  /** Loss options by key (`{ T: 4 }`, `{ poolKernel: [2, 2] }`); each loss's own defaults when absent. */
  options?: Record<string, unknown>;
}

function readNpy(file: string): Uint8Array {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return fs.readFileSync(file);
}

/**
 * Loads two rank-4 `.npy` arrays, converts them to NHWC and evaluates the registered pair loss
 * `name` on the current backend. An option the loss does not take is refused, naming its flag and
 * the losses that take it. Returns the loss value.
 */
export function lossFromNpy(o: LossFromNpyOptions): number {
  const flags = new Map(lossFlags().map((f) => [f.key, f]));
  for (const [key, v] of Object.entries(o.options ?? {})) {
    const f = flags.get(key);
    if (!f) throw new UsageError(`no pair loss takes the option '${key}'`);
    if (!f.losses.includes(o.name))
      throw new UsageError(`--${f.flag} applies to ${f.losses.join(', ')}, not '${o.name}'`);
    checkFlagValue(f, v);
  }
  const loss = createPairLoss(o.name, o.options ?? {});
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

type Args = { name: string; student: string; teacher: string; layout: string; json: boolean } & Record<string, unknown>;

/** `spec.doc (cwd 4, pixel-kl 1)`: the flag's help line with each loss's default. */
function flagHelp(f: LossFlag): string {
  const defaults = f.losses.map((n) => {
    const d = lossDefinition(n).options[f.key].default;
    return d === undefined ? n : `${n} ${Array.isArray(d) ? d.join(' ') : d}`;
  });
  return `${f.spec.doc} (${defaults.join(', ')})`;
}

/**
 * `pnpm exp loss <name> --student S.npy --teacher T.npy [--layout nchw|nhwc] [--<option> …] [--json]`
 * Evaluates one (student, teacher) pair loss of @kd/losses on two NumPy arrays (float32/float64,
 * rank 4) on the cpu backend — for checking against other implementations. The option flags
 * (`--T`, `--pool-kernel`, `--tau-c`, …) come from the losses' definitions. Prints `{"loss": v}`
 * with --json, else `<name>: v`.
 */
export const lossCommand: CommandModule<object, Args> = {
  command: 'loss <name>',
  describe: 'Evaluate a distillation loss on two .npy arrays (cpu backend)',
  builder: (y) => {
    let b = y
      .positional('name', {
        type: 'string',
        demandOption: true,
        describe: `pair loss: ${listPairLosses().join(' | ')}`,
      })
      .option('student', { type: 'string', demandOption: true, describe: 'student array (.npy, rank 4)' })
      .option('teacher', { type: 'string', demandOption: true, describe: 'teacher array (.npy, rank 4)' })
      .option('layout', { type: 'string', default: 'nchw', describe: 'array layout: nchw | nhwc' })
      .option('json', { type: 'boolean', default: false, describe: 'print {"loss": value}' });
    for (const f of lossFlags()) {
      const type = f.spec.type === 'int[]' ? 'number' : f.spec.type === 'object' ? 'string' : f.spec.type;
      b = b.option(f.flag, {
        type,
        array: f.spec.type === 'int[]',
        choices: f.spec.choices as string[] | undefined,
        describe: flagHelp(f),
      });
    }
    return b as never;
  },
  handler: async (args) => {
    const layout = assertOneOf('--layout', args.layout, LAYOUTS);
    const options: Record<string, unknown> = {};
    for (const f of lossFlags()) if (args[f.flag] !== undefined) options[f.key] = checkFlagValue(f, args[f.flag]);
    await initBackend({ backend: 'cpu', quiet: true });
    let value: number;
    try {
      value = lossFromNpy({
        name: args.name,
        student: userPath(args.student),
        teacher: userPath(args.teacher),
        layout,
        options,
      });
    } catch (e) {
      // Bad files and shape mismatches are the user's input: one line, exit 2.
      if (e instanceof DataError) throw new UsageError(e.message);
      throw e;
    }
    console.log(args.json ? JSON.stringify({ loss: value }) : `${args.name}: ${value}`);
  },
};
