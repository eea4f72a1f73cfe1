import * as tf from '@tensorflow/tfjs';
import { DataError, UsageError, type Rng } from '@kd/core';
import type { Module } from '@kd/nn';
import { assertRank, fmtShape } from './shape-checks.ts';

/** What one input of a loss is: an NHWC map, a list of them, an [N,H,W] map, a number, or CSNet's BN pairs. */
export type InputKind = 'nhwc' | 'nhwc[]' | 'nhw' | 'number' | 'bn-pairs';

export interface InputSpec {
  kind: InputKind;
  /** One line: what the tensor holds and its shape. */
  doc: string;
}

/** How two inputs must agree: every dimension, N·H·W, or N only. */
export type Agreement = 'shape' | 'spatial' | 'batch';

/** Option types; every type but 'object' can be set from a command-line flag. */
export type OptionType = 'number' | 'boolean' | 'string' | 'int[]' | 'object';

export interface OptionSpec {
  type: OptionType;
  /** The value the loss uses when the option is absent (documentation; the loss function applies it). */
  default?: number | boolean | string | readonly number[];
  /** One line. */
  doc: string;
  /** 'number': must be > 0. 'int[]': exact length, each an integer >= 1. */
  positive?: boolean;
  length?: number;
  /** 'string': the allowed values. */
  choices?: readonly string[];
}

/** Every option of a loss, each documented. */
export type OptionSpecs<O> = { readonly [K in keyof Required<O>]: OptionSpec };

/** A built loss: typed inputs → scalar, plus the learnable parts it owns (train them with the student). */
export interface Loss<I> {
  readonly name: string;
  /** Connector / align conv / adapters / GcBlock MLPs; null for a pure function. */
  readonly module: Module | null;
  compute(inputs: I): tf.Scalar;
}

/** What a loss file hands to `defineLoss`. */
export interface LossSpec<N extends string, I, O, M extends Module | null> {
  name: N;
  /** One line for `listLosses`/`describeLoss` and the CLI. */
  doc: string;
  inputs: NoInfer<{ readonly [K in keyof Required<I>]: InputSpec }>;
  /** Pairs of inputs that must agree (checked before compute; the error names both tensors). */
  agree: NoInfer<readonly (readonly [keyof I & string, keyof I & string, Agreement])[]>;
  options: NoInfer<OptionSpecs<O>>;
  /** Builds the learnable parts from the options (omit for a pure function). */
  module?: (options: O) => M;
  compute: (inputs: I, options: O, module: M) => tf.Scalar;
  /**
   * A small random input (and options) for the registry-wide property suite; seeded, so
   * deterministic. `prepare` readies a built loss (e.g. ends KA's autoencoder stage).
   */
  example: (rng: Rng) => LossExample<NoInfer<I>, NoInfer<O>>;
  /** The input the gradient property is taken with respect to (element 0 of a list). */
  differentiable: NoInfer<keyof I & string>;
}

export interface LossExample<I, O> {
  inputs: I;
  options: O;
  prepare?: (loss: Loss<I>) => void;
}

/** A registered loss: its spec plus `create`. The catalog types derive from `N`, `I`, `O`. */
export interface LossDefinition<N extends string = string, I = unknown, O = unknown> {
  readonly name: N;
  readonly doc: string;
  readonly inputs: Readonly<Record<string, InputSpec>>;
  readonly agree: readonly (readonly [string, string, Agreement])[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** True when the inputs are exactly one NHWC (student, teacher) pair. */
  readonly pair: boolean;
  readonly differentiable: string;
  example(rng: Rng): LossExample<I, O>;
  create(options?: O): Loss<I>;
}

const DIMS: Record<Agreement, [number, string]> = {
  shape: [Infinity, 'have the same shape'],
  spatial: [3, 'agree in batch and spatial size (N,H,W)'],
  batch: [1, 'agree in batch size (N)'],
};

function checkAgreement(loss: string, aName: string, a: tf.Tensor, bName: string, b: tf.Tensor, how: Agreement): void {
  const [k, what] = DIMS[how];
  const n = Math.min(k, Math.max(a.rank, b.rank));
  const bad =
    (how === 'shape' && a.rank !== b.rank) ||
    Array.from({ length: n }, (_, i) => i).some((i) => a.shape[i] !== b.shape[i]);
  if (bad) throw new DataError(`${loss}: ${aName} ${fmtShape(a)} and ${bName} ${fmtShape(b)} must ${what}`);
}

const asList = (name: string, v: unknown): [string, tf.Tensor][] =>
  Array.isArray(v) ? v.map((t, i) => [`${name}[${i}]`, t as tf.Tensor]) : [[name, v as tf.Tensor]];

/** Rank checks from the input kinds, then the declared agreements. */
function checkInputs(spec: LossSpec<string, never, never, never>, inputs: Record<string, unknown>): void {
  const { name } = spec;
  for (const [key, s] of Object.entries(spec.inputs as Record<string, InputSpec>)) {
    const v = inputs[key];
    if (v === undefined) continue;
    if (s.kind === 'nhwc' || s.kind === 'nhw') assertRank(name, key, v as tf.Tensor, s.kind === 'nhwc' ? 4 : 3);
    if (s.kind === 'nhwc[]') asList(key, v).forEach(([n, t]) => assertRank(name, n, t, 4));
  }
  for (const [aKey, bKey, how] of spec.agree as readonly (readonly [string, string, Agreement])[]) {
    const a = inputs[aKey];
    const b = inputs[bKey];
    if (a === undefined || b === undefined) continue;
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
      throw new DataError(`${name}: ${aKey} has ${a.length} maps and ${bKey} has ${b.length}; need the same number`);
    }
    const as = asList(aKey, a);
    const bs = asList(bKey, b);
    as.forEach(([an, at], i) => {
      const pairs = Array.isArray(b) && Array.isArray(a) ? [bs[i]] : bs;
      for (const [bn, bt] of pairs) checkAgreement(name, an, at, bn, bt, how);
    });
  }
}

/**
 * Defines a loss the way tfjs-core's `op()` defines an op: the file's function does the maths,
 * `defineLoss` adds the rest once — the input checks (ranks from the input kinds, then the declared
 * agreements, each error naming the loss and both tensors with their shapes), one named `tf.tidy`
 * scope so only the scalar survives, and the learnable module built from the options. The
 * definition also carries the metadata the registry, the typed catalog, the CLI flags and the
 * property suite read.
 *
 * @example
 *   export const pixelKlLoss = defineLoss({
 *     name: 'pixel-kl', doc: 'T²·mean KL(softmax(t/T) ‖ softmax(s/T))',
 *     inputs: PAIR_INPUTS, agree: [['student', 'teacher', 'shape']],
 *     options: { T: { type: 'number', default: 1, positive: true, doc: 'softmax temperature' } },
 *     compute: ({ student, teacher }: PairInputs, o: PixelKlOptions) => pixelKl(student, teacher, o),
 *     example: (rng) => ({ inputs: randomPair(rng, [2, 3, 4, 5]), options: {} }), differentiable: 'student',
 *   });
 */
export function defineLoss<const N extends string, I, O, M extends Module | null = null>(
  spec: LossSpec<N, I, O, M>,
): LossDefinition<N, I, O> {
  const keys = Object.keys(spec.inputs);
  const kinds = Object.values(spec.inputs as Record<string, InputSpec>).map((s) => s.kind);
  const pair =
    keys.length === 2 && keys.includes('student') && keys.includes('teacher') && kinds.every((k) => k === 'nhwc');
  return {
    name: spec.name,
    doc: spec.doc,
    inputs: spec.inputs as Record<string, InputSpec>,
    agree: spec.agree as readonly (readonly [string, string, Agreement])[],
    options: spec.options as Record<string, OptionSpec>,
    pair,
    differentiable: spec.differentiable,
    example: spec.example,
    create(options?: O): Loss<I> {
      const o = (options ?? {}) as O;
      const module = (spec.module ? spec.module(o) : null) as M;
      return {
        name: spec.name,
        module,
        compute: (inputs: I) => {
          checkInputs(spec as never, inputs as Record<string, unknown>);
          return tf.tidy(spec.name, () => spec.compute(inputs, o, module));
        },
      };
    },
  };
}

/** Student and teacher maps of one tap (or logits), NHWC. */
export interface PairInputs {
  student: tf.Tensor4D;
  teacher: tf.Tensor4D;
}

/** The `inputs` of every (student, teacher) pair loss. */
export const PAIR_INPUTS = {
  student: { kind: 'nhwc', doc: 'student map [N,H,W,C]' },
  teacher: { kind: 'nhwc', doc: 'teacher map [N,H,W,C] (a constant)' },
} as const satisfies Record<keyof PairInputs, InputSpec>;

/** A seeded standard-normal tensor times `scale`, for `example`s. */
export function randomTensor<R extends tf.Rank>(rng: Rng, shape: number[], scale = 1): tf.Tensor<R> {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(n), 0, scale), shape as never) as tf.Tensor<R>;
}

/** A random (student, teacher) pair of the given NHWC shapes (teacher defaults to the student's). */
export function randomPair(rng: Rng, student: number[], teacher: number[] = student, scale = 1): PairInputs {
  return {
    student: randomTensor<tf.Rank.R4>(rng, student, scale),
    teacher: randomTensor<tf.Rank.R4>(rng, teacher, scale),
  };
}

/** The rng a loss with learnable parts needs; a UsageError naming the loss when it is missing. */
export function requireRng(name: string, o: { rng?: Rng } | undefined): Rng {
  if (!o?.rng)
    throw new UsageError(`loss '${name}' has learnable parts: pass { rng } (and its channel options) to createLoss`);
  return o.rng;
}
