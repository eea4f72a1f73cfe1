import type * as tf from '@tensorflow/tfjs';
import { nearest } from '@kd/core';
import type { Module } from './module.ts';

/** A named intermediate feature a model exposes: NHWC `[N, H/stride, W/stride, channels]`. */
export interface TapSpec {
  name: string;
  channels: number;
  stride: number;
}

/**
 * Collects the tapped features during one forward pass. Models call `record(name, t)` at each
 * declared tap; only requested names are kept (the tensors stay owned by the caller's scope).
 */
export class TapRecorder {
  readonly features = new Map<string, tf.Tensor4D>();
  constructor(readonly wanted: ReadonlySet<string>) {}

  record(name: string, t: tf.Tensor4D): void {
    if (this.wanted.has(name)) this.features.set(name, t);
  }
}

export interface ForwardOptions {
  recorder?: TapRecorder;
}

/**
 * What every dense-prediction model in kdlab is: a module that maps an NHWC image batch to one
 * or more output maps (main output first) and declares its feature taps. Losses bind to taps by
 * name, never to model internals.
 */
export interface DenseModel extends Module {
  /** Registry name (the config value and CSV cell). */
  readonly name: string;
  readonly taps: readonly TapSpec[];
  /** Input normalisation this model expects (RGB in [0,255] → (x − mean)/std). */
  readonly normalization: { mean: [number, number, number]; std: [number, number, number] };
  forward(x: tf.Tensor4D, opts?: ForwardOptions): tf.Tensor4D[];
}

export interface TappedOutput {
  outputs: tf.Tensor4D[];
  taps: Record<string, tf.Tensor4D>;
}

/**
 * Wraps `model` so one forward returns its outputs and the named taps, sharing weights. Names
 * are checked up front: an unknown tap throws, naming the nearest declared taps.
 */
export function withTaps(model: DenseModel, names: readonly string[]): (x: tf.Tensor4D) => TappedOutput {
  const declared = model.taps.map((t) => t.name);
  for (const n of names) {
    if (!declared.includes(n)) {
      const near = nearest(n, declared);
      throw new Error(
        `model '${model.name}' has no tap '${n}'` +
          (near.length ? `; nearest: ${near.join(', ')}` : '') +
          `. Declared taps: ${declared.join(', ')}`,
      );
    }
  }
  const wanted = new Set(names);
  return (x) => {
    const recorder = new TapRecorder(wanted);
    const outputs = model.forward(x, { recorder });
    const taps: Record<string, tf.Tensor4D> = {};
    for (const n of names) {
      const t = recorder.features.get(n);
      if (!t) throw new Error(`model '${model.name}' declares tap '${n}' but did not record it in forward()`);
      taps[n] = t;
    }
    return { outputs, taps };
  };
}

export function tapSpec(model: DenseModel, name: string): TapSpec {
  const t = model.taps.find((s) => s.name === name);
  if (!t)
    throw new Error(
      `model '${model.name}' has no tap '${name}'; declared: ${model.taps.map((s) => s.name).join(', ')}`,
    );
  return t;
}
