import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { FusedAdamOptimizer } from './fused-adam.ts';
import { ScheduledOptimizer, type OptimizerSpec } from './optimizer.ts';

/** Shapes with sizes 1, 1, 3, 5, 42, 129 (scalars, lengths that are not multiples of the SIMD width 4). */
const SHAPES = [[], [1], [3], [5], [2, 3, 7], [129]];

/** Seeded variables and a fixed quartic loss Σ c·θ² + d·θ⁴ (every gradient non-zero, no native kernels). */
function problem(seed: number) {
  const rng = new Rng(seed, 'fused-adam');
  const rand = (n: number, s: number) => rng.fillNormal(new Float32Array(n), 0, s);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const init = SHAPES.map((s) => rand(size(s), 1));
  const c = SHAPES.map((s) => tf.tensor(rand(size(s), 1), s));
  const d = SHAPES.map((s) => tf.tensor(rand(size(s), 0.1), s));
  const vars = () => SHAPES.map((s, i) => variableOf(tf.tensor(init[i], s)));
  const loss = (xs: tf.Variable[]) => () =>
    tf.addN(xs.map((x, i) => tf.sum(tf.add(tf.mul(c[i], tf.square(x)), tf.mul(d[i], tf.pow(x, 4)))))) as tf.Scalar;
  return { vars, loss, dispose: () => tf.dispose([...c, ...d]) };
}

/** null when every tensor of `a` has the same float32 bits as its partner in `b`, else where they first differ. */
function bitDiff(a: tf.Tensor[], b: tf.Tensor[]): string | null {
  if (a.length !== b.length) return `${a.length} tensors vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i].dataSync() as Float32Array, b[i].dataSync() as Float32Array];
    const [bx, by] = [x, y].map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    if (bx.equals(by)) continue;
    const k = x.findIndex((v, j) => !Object.is(v, y[j]));
    return `tensor ${i} [${a[i].shape}] element ${k}: ${x[k]} vs ${y[k]}`;
  }
  return null;
}

/** A variable holding a copy of `t`'s values (no tensor left behind). */
function variableOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A slot name with its variable's name replaced by the variable's position in `xs` (`12/m` → `#3/m`). */
const slotOf = (name: string, xs: tf.Variable[]) =>
  name.replace(/(^|:)([^:/]+)\//, (all, pre: string, v: string) => {
    const i = xs.findIndex((x) => x.name === v);
    return i < 0 ? all : `${pre}#${i}/`;
  });

/** Runs `fn` with KD_FUSED_ADAM=0 (tfjs's own Adam on wasm too). */
async function unfused<T>(fn: () => T | Promise<T>): Promise<T> {
  const saved = process.env.KD_FUSED_ADAM;
  process.env.KD_FUSED_ADAM = '0';
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.KD_FUSED_ADAM;
    else process.env.KD_FUSED_ADAM = saved;
  }
}

const LRS = [1e-2, 3e-2, 3e-2, 5e-3, 2e-2, 1e-3, 7e-3]; // a schedule that changes between steps

describe('FusedAdamOptimizer on wasm', () => {
  afterAll(() => useBackend('cpu'));

  it('is bit-identical to tf.train.adam over 7 steps with a changing lr (β 0.9/0.99, ε 1e-8 and tfjs defaults)', async () => {
    await useBackend('wasm');
    const p = problem(1);
    for (const [b1, b2, eps] of [
      [0.9, 0.99, 1e-8],
      [0.9, 0.999, undefined],
    ] as const) {
      const [xa, xb] = [p.vars(), p.vars()];
      const fused = new FusedAdamOptimizer(LRS[0], b1, b2, eps);
      const ref = tf.train.adam(LRS[0], b1, b2, eps);
      expect(fused.fused()).toBe(true);
      for (const lr of LRS) {
        for (const [opt, xs] of [
          [fused, xa],
          [ref, xb],
        ] as const) {
          (opt as unknown as { learningRate: number }).learningRate = lr;
          opt.minimize(p.loss(xs), false, xs); // the array form of applyGradients
        }
        expect(bitDiff(xa, xb)).toBeNull();
      }
      const [wa, wb] = [await fused.getWeights(), await ref.getWeights()];
      // slot names are `<variable name>/m|v`, in the same order
      expect(wa.map((w) => slotOf(w.name, xa))).toEqual(wb.map((w) => slotOf(w.name, xb)));
      expect(wa.map((w) => slotOf(w.name, xa)).slice(0, 3)).toEqual(['iter', '#0/m', '#1/m']);
      expect(wa[0].tensor.dataSync()[0]).toBe(LRS.length); // iterations
      expect(
        bitDiff(
          wa.slice(1).map((w) => w.tensor),
          wb.slice(1).map((w) => w.tensor),
        ),
      ).toBeNull();
      const acc = (o: tf.Optimizer) => (o as unknown as { accBeta1: tf.Variable }).accBeta1.dataSync()[0];
      expect(acc(fused)).toBe(acc(ref));
      expect(acc(fused)).toBeCloseTo(b1 ** (LRS.length + 1), 6);
      tf.dispose([wa[0].tensor, wb[0].tensor, ...xa, ...xb]);
      fused.dispose();
      ref.dispose();
    }
    p.dispose();
  });

  it('splits the step into KdAdam calls of ≤ 2²² elements (a 2²²+3 variable between two small ones), still bit-identical', async () => {
    await useBackend('wasm');
    const rng = new Rng(11, 'fused-adam-chunks');
    const sizes = [7, (1 << 22) + 3, 5];
    const init = sizes.map((n) => rng.fillNormal(new Float32Array(n), 0, 1));
    const grads = [0, 1].map(() => sizes.map((n) => rng.fillNormal(new Float32Array(n), 0, 0.1)));
    const [xa, xb] = [0, 1].map(() => init.map((d) => variableOf(tf.tensor1d(d))));
    const [fused, ref] = [new FusedAdamOptimizer(1e-3), tf.train.adam(1e-3)];
    const info = await tf.profile(() => {
      for (const [opt, xs] of [
        [fused, xa],
        [ref, xb],
      ] as const)
        for (const g of grads) {
          const named = xs.map((x, i) => ({ name: x.name, tensor: tf.tensor1d(g[i]) }));
          opt.applyGradients(named);
          tf.dispose(named.map((n) => n.tensor));
        }
    });
    expect(info.kernels.filter((k) => k.name === 'KdAdam')).toHaveLength(2 * 3);
    expect(bitDiff(xa, xb)).toBeNull();
    fused.dispose();
    ref.dispose();
    tf.dispose([...xa, ...xb]);
  });

  it('ScheduledOptimizer: coupled weight decay (on some variables), lrScale and an unreached variable, bit-identical to the unfused ops', async () => {
    await useBackend('wasm');
    const p = problem(2);
    const run = (spec: OptimizerSpec) => {
      const xs = p.vars();
      const idle = variableOf(tf.ones([4])); // no gradient: tfjs gives it no slot position, never steps it
      const opt = new ScheduledOptimizer(spec);
      for (const lr of LRS) opt.step(p.loss(xs), [idle, ...xs], lr).dispose();
      return { xs, idle, opt };
    };
    const specs: OptimizerSpec[] = [
      { kind: 'adam', lr: 1e-2, weightDecay: 5e-3 },
      { kind: 'adam', lr: 1e-2, betas: [0.9, 0.99], epsilon: 1e-8, weightDecay: 0.1, decayed: (v) => v.rank > 1 },
      { kind: 'adam', lr: 1e-2, lrScale: (v) => (v.size === 5 ? 0.1 : v.rank === 0 ? 3 : 1) },
      { kind: 'adam', lr: 1e-2, weightDecay: 1e-4, lrScale: (v) => (v.size > 3 ? 0.1 : 1) },
    ];
    for (const spec of specs) {
      const a = run(spec);
      const b = await unfused(() => run(spec));
      expect(bitDiff(a.xs, b.xs)).toBeNull();
      expect(Array.from(a.idle.dataSync())).toEqual([1, 1, 1, 1]);
      expect((await a.opt.state()).map((s) => [slotOf(s.name, a.xs), Array.from(s.data)])).toEqual(
        (await b.opt.state()).map((s) => [slotOf(s.name, b.xs), Array.from(s.data)]),
      );
      for (const r of [a, b]) {
        r.opt.dispose();
        tf.dispose([...r.xs, r.idle]);
      }
    }
    p.dispose();
  });

  it('a checkpoint taken after 3 fused steps resumes bit-identically, in the fused and in the unfused run', async () => {
    await useBackend('wasm');
    const p = problem(3);
    const spec: OptimizerSpec = { kind: 'adam', lr: 1e-2, weightDecay: 1e-3 };
    const straight = p.vars();
    const o1 = new ScheduledOptimizer(spec);
    for (const lr of LRS) o1.step(p.loss(straight), straight, lr).dispose();

    const xs = p.vars();
    const o2 = new ScheduledOptimizer(spec);
    for (const lr of LRS.slice(0, 3)) o2.step(p.loss(xs), xs, lr).dispose();
    const saved = await o2.state();
    expect(saved.map((s) => s.name)).toEqual([
      'optimizer.0:iter',
      ...xs.map((x, i) => `optimizer.${i + 1}:${x.name}/m`),
      ...xs.map((x, i) => `optimizer.${i + 1 + xs.length}:${x.name}/v`),
      'optimizer.accBeta1',
      'optimizer.accBeta2',
    ]);
    o2.dispose();
    for (const fusedResume of [true, false]) {
      const ys = xs.map((x) => variableOf(x.clone()));
      const run = async () => {
        const o3 = new ScheduledOptimizer(spec);
        await o3.restore(saved);
        for (const lr of LRS.slice(3)) o3.step(p.loss(ys), ys, lr).dispose();
        o3.dispose();
      };
      await (fusedResume ? run() : unfused(run));
      expect(bitDiff(ys, straight), `resumed ${fusedResume ? 'fused' : 'unfused'}`).toBeNull();
      tf.dispose(ys);
    }
    o1.dispose();
    tf.dispose([...straight, ...xs]);
    p.dispose();
  });

  it('runs one KdAdam kernel per step where tfjs runs 14 kernels per variable', async () => {
    await useBackend('wasm');
    const p = problem(6);
    const xs = p.vars();
    const kernels = async (spec: OptimizerSpec) => {
      const opt = new ScheduledOptimizer(spec);
      const grads = tf.variableGrads(p.loss(xs), xs);
      tf.dispose(grads.value);
      const adam = (opt as unknown as { adam: FusedAdamOptimizer }).adam;
      const info = await tf.profile(() => {
        const step = { ...grads.grads };
        if (adam.fused()) adam.applyFused(step);
        else adam.applyGradients(step);
      });
      tf.dispose(Object.values(grads.grads));
      opt.dispose();
      return info.kernels.map((k) => k.name);
    };
    const fusedNames = await kernels({ kind: 'adam', lr: 1e-2 });
    // first step: the m, v slots (ZerosLike), the step, then β1ᵗ·β1 and β2ᵗ·β2
    expect(fusedNames).toEqual([...SHAPES.flatMap(() => ['ZerosLike', 'ZerosLike']), 'KdAdam', 'Multiply', 'Multiply']);
    const opsNames = await unfused(() => kernels({ kind: 'adam', lr: 1e-2 }));
    // tfjs: the slots, 1 − β1ᵗ and 1 − β2ᵗ, 14 kernels per variable, the two products
    expect(opsNames).toHaveLength(2 * SHAPES.length + 2 + 14 * SHAPES.length + 2);
    expect(opsNames.filter((k) => k === 'Sqrt')).toHaveLength(SHAPES.length);
    tf.dispose(xs);
    p.dispose();
  });

  it('leaves no tensor behind (steps, state(), dispose)', async () => {
    await useBackend('wasm');
    const p = problem(4);
    const xs = p.vars();
    const before = tf.memory().numTensors;
    const opt = new ScheduledOptimizer({ kind: 'adam', lr: 1e-2, weightDecay: 1e-3, lrScale: () => 0.5 });
    opt.step(p.loss(xs), xs, 1e-2).dispose();
    const afterOne = tf.memory().numTensors;
    expect(afterOne - before).toBe(2 + 2 * xs.length); // β1ᵗ, β2ᵗ and the m, v slots
    for (const lr of LRS) opt.step(p.loss(xs), xs, lr).dispose();
    await opt.state();
    expect(tf.memory().numTensors).toBe(afterOne);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(xs);
    p.dispose();
  });

  it('on cpu it is tfjs’s own Adam (not fused), bit-identical to tf.train.adam', async () => {
    await useBackend('cpu');
    const p = problem(5);
    const [xa, xb] = [p.vars(), p.vars()];
    const fused = new FusedAdamOptimizer(1e-2);
    const ref = tf.train.adam(1e-2);
    expect(fused.fused()).toBe(false);
    expect(() => fused.applyFused({})).toThrow('the active backend has no KdAdam kernel');
    for (let s = 0; s < 3; s++) {
      fused.minimize(p.loss(xa), false, xa);
      ref.minimize(p.loss(xb), false, xb);
    }
    expect(bitDiff(xa, xb)).toBeNull();
    fused.dispose();
    ref.dispose();
    tf.dispose([...xa, ...xb]);
    p.dispose();
  });
});
