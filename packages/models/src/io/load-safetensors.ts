import * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';
import type { Module } from '@kd/nn';
import { layoutRule, matchKeys, type KeyMatch } from './match-keys.ts';
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

/**
 * Brings a file tensor (PyTorch/Paddle layout) into the layout of the model variable `want`:
 * 4-D conv OIHW → HWIO (transpose 2,3,1,0) or depthwise [C,1,k,k] → [k,k,C,1] (transpose
 * 2,3,0,1), whichever gives the model's shape; 2-D Linear [out,in] → [in,out]; other ranks as
 * they are. 4-D/2-D file tensors are always treated as PyTorch layout (a square OIHW kernel has the
 * same shape as its HWIO transpose). Returns null when no rule fits.
 */
export function toModelLayout(t: SafeTensor, want: readonly number[]): tf.Tensor | null {
  const rule = layoutRule(t.shape, want);
  if (rule === 'hwio' || rule === 'depthwise') {
    const perm = rule === 'hwio' ? [2, 3, 1, 0] : [2, 3, 0, 1];
    return tf.tidy(() => tf.tensor4d(t.data, t.shape as [number, number, number, number]).transpose(perm));
  }
  if (rule === 'linear') return tf.tidy(() => tf.tensor2d(t.data, t.shape as [number, number]).transpose());
  return rule === 'same' ? tf.tensor(t.data, t.shape) : null;
}

/** Checks a file's keys and shapes against `model` (no tensor touched); see `matchKeys`. */
export function checkKeys(
  model: Module,
  file: Iterable<[string, readonly number[]]>,
  opts: LoadSafetensorsOptions = {},
): KeyMatch {
  return matchKeys(new Map([...model.stateDict()].map(([k, v]) => [k, v.shape])), file, opts);
}

/**
 * Loads a safetensors file into `model` (parameters and BN statistics) by dotted name.
 * Every problem — model tensors missing from the file, file tensors the model lacks, shapes no
 * layout rule reconciles — is counted and thrown as one DataError line naming the first three of
 * each kind (see `matchKeys`); nothing is assigned unless everything matches.
 */
export function loadSafetensors(model: Module, file: string, opts: LoadSafetensorsOptions = {}): LoadReport {
  const { tensors } = readSafetensors(file);
  const state = model.stateDict();
  const match = checkKeys(
    model,
    [...tensors].map(([k, t]) => [k, t.shape] as [string, number[]]),
    opts,
  );
  if (match.problems) throw new DataError(match.problems, file);
  const ready: [tf.Variable, tf.Tensor][] = [];
  try {
    for (const [fileKey, key] of match.pairs)
      ready.push([state.get(key)!, toModelLayout(tensors.get(fileKey)!, state.get(key)!.shape)!]);
    for (const [v, value] of ready) v.assign(value);
    return { loaded: ready.length, dropped: match.dropped };
  } finally {
    for (const [, value] of ready) value.dispose();
  }
}
