// Shared by the *.test.ts files only (not exported from the package).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { FsdLevelLoss } from './seeds/fsd/fsd.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** A golden JSON written by tools/reference/losses/make_goldens.py (repo root). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function golden(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(HERE, 'goldens', `${name}.json`), 'utf8'));
}

export function fixturePath(name: string): string {
  return path.join(HERE, 'fixtures', name);
}

/** Nested number lists → a float32 tensor of the list's shape. */
export function t4(v: unknown): tf.Tensor4D {
  return tf.tensor(v as number[]) as tf.Tensor4D;
}

/** Asserts |a − b| ≤ atol + rtol·|b|. */
export function expectClose(actual: number, expected: number, rtol = 1e-5, atol = 1e-6): void {
  const ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  if (!ok)
    expect.fail(`expected ${actual} ≈ ${expected} (rtol ${rtol}, atol ${atol}; diff ${Math.abs(actual - expected)})`);
}

/** Scalar value of a loss (and disposes it). */
export function value(s: tf.Scalar): number {
  const v = s.dataSync()[0];
  s.dispose();
  return v;
}

/**
 * Central finite differences against tf.grad at `count` entries of x (picked with a fixed stride).
 * float32 arithmetic, so the tolerance is loose but meaningful.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  { count = 6, h = 1e-2, rtol = 3e-2, atol = 2e-4 } = {},
): void {
  const analytic = tf.tidy(() => tf.grad(f)(x));
  const g = analytic.dataSync();
  analytic.dispose();
  const base = x.dataSync().slice();
  const step = Math.max(1, Math.floor(base.length / count));
  for (let k = 0, i = 1 % base.length; k < count && i < base.length; k++, i += step) {
    const at = (d: number) =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] += d;
        return f(tf.tensor(v, x.shape)).dataSync()[0];
      });
    const numeric = (at(h) - at(-h)) / (2 * h);
    const ok = Math.abs(numeric - g[i]) <= atol + rtol * Math.max(Math.abs(numeric), Math.abs(g[i]));
    if (!ok) expect.fail(`gradient at index ${i}: analytic ${g[i]} vs finite-difference ${numeric}`);
  }
}

/** Runs fn and asserts it leaves no tensors behind (after disposing what it returns). */
export function expectNoLeak(fn: () => tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor> | void): void {
  const before = tf.memory().numTensors;
  const out = fn();
  if (out) tf.dispose(out as tf.TensorContainer);
  expect(tf.memory().numTensors).toBe(before);
}

/** All finite? */
export function allFinite(t: tf.Tensor): boolean {
  return t.dataSync().every(Number.isFinite);
}

/** Loads the PyTorch weights of goldens/fsd.json (align 4→6, conv_mask, both GcBlock MLPs) into an FSD level loss. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function assignFsdWeights(m: FsdLevelLoss, w: any): FsdLevelLoss {
  m.align!.weight.assign(tf.tensor(w.align.w));
  m.align!.bias!.assign(tf.tensor(w.align.b));
  m.relation.convMask.weight.assign(tf.tensor(w.mask.w));
  m.relation.convMask.bias!.assign(tf.tensor(w.mask.b));
  for (const [mlp, p] of [
    [m.relation.mlpStudent, w.mlp_s],
    [m.relation.mlpTeacher, w.mlp_t],
  ] as const) {
    mlp.conv1.weight.assign(tf.tensor(p.w1));
    mlp.conv1.bias!.assign(tf.tensor(p.b1));
    mlp.norm.weight.assign(tf.tensor(p.lnW));
    mlp.norm.bias.assign(tf.tensor(p.lnB));
    mlp.conv2.weight.assign(tf.tensor(p.w2));
    mlp.conv2.bias!.assign(tf.tensor(p.b2));
  }
  return m;
}
