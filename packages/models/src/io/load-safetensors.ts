import * as tf from '@tensorflow/tfjs';
import { DataError, type Module } from '@kd/core';
import { readSafetensors, type SafeTensor } from './safetensors.ts';

export interface LoadSafetensorsOptions {
  /**
   * File key → model key. A record (keys absent from it are used as they are) or a function;
   * `null` drops a file tensor on purpose (it is then not reported as extra).
   */
  mapping?: Record<string, string | null> | ((fileKey: string) => string | null);
  /** Only model tensors under this dotted prefix are expected (e.g. `bkbone.` for a backbone file). */
  scope?: string;
}

export interface LoadReport {
  loaded: number;
  dropped: string[];
}

/** Renames PyTorch/Paddle BN statistics to kdlab's names. */
function canonical(key: string): string {
  return key.replace(/\._mean$/, '.running_mean').replace(/\._variance$/, '.running_var');
}

/**
 * Brings a file tensor (PyTorch/Paddle layout) into the layout of the model variable `want`:
 * 4-D conv OIHW → HWIO (transpose 2,3,1,0) or depthwise [C,1,k,k] → [k,k,C,1] (transpose
 * 2,3,0,1), whichever gives the model's shape; 2-D Linear [out,in] → [in,out]; other ranks as
 * they are. 4-D/2-D file tensors are always treated as PyTorch layout (a square OIHW kernel has the
 * same shape as its HWIO transpose). Returns null when no rule fits.
 */
export function toModelLayout(t: SafeTensor, want: readonly number[]): tf.Tensor | null {
  const same = (s: readonly number[]) => s.length === want.length && s.every((d, i) => d === want[i]);
  if (t.shape.length === 4) {
    const [o, i, kh, kw] = t.shape;
    if (same([kh, kw, i, o])) return tf.tidy(() => tf.tensor4d(t.data, [o, i, kh, kw]).transpose([2, 3, 1, 0]));
    if (i === 1 && same([kh, kw, o, 1])) return tf.tidy(() => tf.tensor4d(t.data, [o, i, kh, kw]).transpose([2, 3, 0, 1]));
    return null;
  }
  if (t.shape.length === 2) {
    return same([t.shape[1], t.shape[0]]) ? tf.tidy(() => tf.tensor2d(t.data, t.shape as [number, number]).transpose()) : null;
  }
  return same(t.shape) ? tf.tensor(t.data, t.shape) : null;
}

/**
 * Loads a safetensors file into `model` (parameters and BN statistics) by dotted name.
 * Every problem — model tensors missing from the file, file tensors the model lacks, shapes no
 * layout rule reconciles — is collected and thrown as one DataError naming each tensor;
 * nothing is assigned unless everything matches.
 */
export function loadSafetensors(model: Module, file: string, opts: LoadSafetensorsOptions = {}): LoadReport {
  const { tensors } = readSafetensors(file);
  const state = model.stateDict();
  const scope = opts.scope ?? '';
  const map = opts.mapping;
  const rename = (k: string): string | null => {
    if (typeof map === 'function') return map(k);
    if (map && k in map) return map[k];
    return k;
  };
  const missing = new Set([...state.keys()].filter((k) => k.startsWith(scope)));
  const extra: string[] = [];
  const badShape: string[] = [];
  const dropped: string[] = [];
  const ready: [tf.Variable, tf.Tensor][] = [];
  try {
    for (const [fileKey, t] of tensors) {
      const mapped = rename(fileKey);
      if (mapped === null) {
        dropped.push(fileKey);
        continue;
      }
      const key = canonical(mapped);
      const v = state.get(key);
      if (!v || !key.startsWith(scope)) {
        extra.push(fileKey === key ? fileKey : `${fileKey} (→ ${key})`);
        continue;
      }
      missing.delete(key);
      const value = toModelLayout(t, v.shape);
      if (!value) {
        badShape.push(`${key}: file [${t.shape.join(',')}] vs model [${v.shape.join(',')}]`);
        continue;
      }
      ready.push([v, value]);
    }
    const problems: string[] = [];
    if (missing.size) problems.push(`missing from file (${missing.size}): ${[...missing].join(', ')}`);
    if (extra.length) problems.push(`not in model (${extra.length}): ${extra.join(', ')}`);
    if (badShape.length) problems.push(`wrong shape (${badShape.length}): ${badShape.join('; ')}`);
    if (problems.length) throw new DataError(`does not match the model; nothing loaded. ${problems.join('. ')}`, file);
    for (const [v, value] of ready) v.assign(value);
    return { loaded: ready.length, dropped };
  } finally {
    for (const [, value] of ready) value.dispose();
  }
}
