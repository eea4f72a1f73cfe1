import type * as tf from '@tensorflow/tfjs';
import { DataError } from '@kd/core';

/** `[2,8,8,16]` — how every error message prints a shape. */
export function fmtShape(t: tf.Tensor | readonly number[]): string {
  const s = Array.isArray(t) ? t : (t as tf.Tensor).shape;
  return `[${s.join(',')}]`;
}

/** Throws unless `t` has `rank` dimensions, naming the loss, the tensor and its shape. */
export function assertRank(loss: string, name: string, t: tf.Tensor, rank: number): void {
  if (t.rank !== rank) {
    throw new DataError(`${loss}: ${name} must be rank ${rank} (NHWC), got shape ${fmtShape(t)}`);
  }
}

/** Throws unless `a` and `b` have identical shapes; the message names both tensors and shapes. */
export function assertSameShape(loss: string, aName: string, a: tf.Tensor, bName: string, b: tf.Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new DataError(`${loss}: ${aName} ${fmtShape(a)} and ${bName} ${fmtShape(b)} must have the same shape`);
  }
}

/**
 * Throws unless two NHWC maps agree in batch and spatial size (channels may differ);
 * the message names both tensors and shapes.
 */
export function assertSameSpatial(loss: string, aName: string, a: tf.Tensor, bName: string, b: tf.Tensor): void {
  assertRank(loss, aName, a, 4);
  assertRank(loss, bName, b, 4);
  if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1] || a.shape[2] !== b.shape[2]) {
    throw new DataError(
      `${loss}: ${aName} ${fmtShape(a)} and ${bName} ${fmtShape(b)} must agree in batch and spatial size (N,H,W)`,
    );
  }
}

/** Throws a DataError unless `value` is a finite number > 0 (temperatures, weights). */
export function assertPositive(loss: string, name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new DataError(`${loss}: ${name} must be a finite number > 0, got ${value}`);
}
