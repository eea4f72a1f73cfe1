import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Backend = tf.KernelBackend;

/** The argument a kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Runs existing wasm kernels by name inside a kernel function, tracking every intermediate so
 * `done(out)` can free all of them except the result (kernels must not leak data ids).
 */
export function kernelContext(backendArg: unknown) {
  const backend = backendArg as Backend;
  const temps: TensorInfo[] = [];
  const run = (name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo => {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm kernel '${name}' is not registered`);
    const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
    temps.push(out);
    return out;
  };
  /** Tracks a tensor made outside `run` (e.g. `backend.makeOutput`) so `done` frees it too. */
  const adopt = (t: TensorInfo): TensorInfo => {
    temps.push(t);
    return t;
  };
  const done = (out: TensorInfo): TensorInfo => {
    for (const t of temps) if (t !== out) backend.disposeData(t.dataId);
    return out;
  };
  return { run, adopt, done };
}

export const pair = (v: number | number[] | undefined, dflt = 1): [number, number] =>
  v == null ? [dflt, dflt] : Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v];

export function assertNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} (wasm): only NHWC is supported, got dataFormat '${String(dataFormat)}'`);
  }
}
