// The generic properties every registered loss must have, parametrised over listLosses() and each
// definition's seeded `example`: a new loss gets them by being registered. Goldens: goldens.test.ts.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import type { Agreement, Loss, LossDefinition } from './define-loss.ts';
import { listLosses, lossDefinition } from './registry.ts';
import { expectNoLeak } from './test-helpers.ts';

type Inputs = Record<string, unknown>;

/** Builds the loss and its example on the current backend. */
function build(def: LossDefinition<string, unknown, unknown>) {
  const ex = def.example(new Rng(13).fork(def.name));
  const loss = def.create(ex.options) as Loss<Inputs>;
  ex.prepare?.(loss as Loss<unknown>);
  return { loss, inputs: ex.inputs as Inputs };
}

function release(loss: Loss<Inputs>, inputs: Inputs): void {
  const tensors = Object.values(inputs).flatMap((v) =>
    Array.isArray(v)
      ? v.flatMap((p) => (p instanceof tf.Tensor ? [p] : [p.gamma, p.activation]))
      : v instanceof tf.Tensor
        ? [v]
        : [],
  );
  tf.dispose(tensors);
  loss.module?.dispose();
}

/** `inputs` with `key` (element 0 of a list) replaced by `x`. */
function withInput(inputs: Inputs, key: string, x: tf.Tensor): Inputs {
  const v = inputs[key];
  return { ...inputs, [key]: Array.isArray(v) ? [x, ...v.slice(1)] : x };
}
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as tf.Tensor;

/** d loss / d (the definition's differentiable input), as a plain array. */
function gradient(def: LossDefinition<string, unknown, unknown>): { shape: number[]; values: Float32Array } {
  const { loss, inputs } = build(def);
  const x = first(inputs[def.differentiable]);
  const before = tf.memory().numTensors;
  const g = tf.grad((t: tf.Tensor) => loss.compute(withInput(inputs, def.differentiable, t)))(x);
  const out = { shape: g.shape, values: g.dataSync() as Float32Array };
  g.dispose();
  expect(tf.memory().numTensors, `${def.name}: the gradient left tensors behind`).toBe(before);
  release(loss, inputs);
  return out;
}

const NAMES = listLosses();
const cpuGrads = new Map<string, { shape: number[]; values: Float32Array }>();

describe('every registered loss (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('has at least one declared input agreement and a documented option list', () => {
    for (const n of NAMES) {
      const def = lossDefinition(n);
      expect(def.agree.length, n).toBeGreaterThan(0);
      for (const [k, o] of Object.entries(def.options)) expect(o.doc.length, `${n}.${k}`).toBeGreaterThan(0);
    }
  });

  it.each(NAMES)('%s: a finite scalar on its random example, and no tensor leak', (name) => {
    const { loss, inputs } = build(lossDefinition(name));
    const v = loss.compute(inputs);
    expect(v.rank).toBe(0);
    expect(Number.isFinite(v.dataSync()[0])).toBe(true);
    v.dispose();
    expectNoLeak(() => loss.compute(inputs));
    release(loss, inputs);
  });

  it.each(NAMES)('%s: a shape mismatch names both tensors', (name) => {
    const def = lossDefinition(name);
    const { loss, inputs } = build(def);
    const axis: Record<Agreement, (rank: number) => number> = { shape: (r) => r - 1, spatial: () => 1, batch: () => 0 };
    for (const [a, b, how] of def.agree) {
      const orig = first(inputs[b]);
      const shape = [...orig.shape];
      shape[axis[how](orig.rank)] += 1;
      const bad = tf.zeros(shape, orig.dtype);
      const aName = Array.isArray(inputs[a]) ? `${a}[0]` : a;
      const bName = Array.isArray(inputs[b]) ? `${b}[0]` : b;
      const esc = (s: string) => s.replace(/[[\]]/g, '\\$&');
      const re = new RegExp(`^${name}: ${esc(aName)} \\[[\\d,]+\\] and ${esc(bName)} \\[${shape.join(',')}\\] must`);
      expect(() => loss.compute(withInput(inputs, b, bad)), `${name}: ${a} vs ${b}`).toThrow(re);
      bad.dispose();
    }
    release(loss, inputs);
  });

  it.each(NAMES)('%s: a finite, non-zero gradient w.r.t. its differentiable input', (name) => {
    const g = gradient(lossDefinition(name));
    expect(g.values.every(Number.isFinite)).toBe(true);
    expect(g.values.some((v) => v !== 0)).toBe(true);
    cpuGrads.set(name, g);
  });
});

describe('every registered loss (wasm)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  afterAll(async () => {
    await useBackend('cpu');
  });

  it.each(NAMES)('%s: the gradient exists on wasm and matches cpu', (name) => {
    const g = gradient(lossDefinition(name));
    const ref = cpuGrads.get(name);
    expect(ref, 'run with the cpu block').toBeDefined();
    expect(g.shape).toEqual(ref!.shape);
    const scale = Math.max(...ref!.values.map(Math.abs));
    const diff = Math.max(...g.values.map((v, i) => Math.abs(v - ref!.values[i])));
    expect(diff).toBeLessThanOrEqual(1e-3 * scale + 1e-6);
  });
});
