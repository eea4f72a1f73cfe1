import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d, LayerNorm, type Module } from '@kd/nn';
import type { LrSchedule } from './lr-schedule.ts';
import { FusedAdamOptimizer } from './fused-adam.ts';
import type { SavedArray } from './trainer/checkpoint-file.ts';

export { FusedAdamOptimizer, type GradientPrep } from './fused-adam.ts';

/** An optimizer and its learning-rate schedule (`learningRate` in lr-schedule.ts). */
export interface OptimizerSpec extends LrSchedule {
  kind: 'adam' | 'sgd';
  /** SGD momentum (0 = plain SGD). */
  momentum?: number;
  /**
   * SGD Nesterov momentum (YOLOX): with a = m·a + g, θ ← θ − lr·(g + m·a); the same update as
   * PyTorch's `SGD(nesterov=True, dampening=0)` (its buffer starts at g, tfjs's at 0·m + g = g).
   */
  nesterov?: boolean;
  /** Adam β1, β2 (default 0.9, 0.999; CSNet's official recipe uses 0.9, 0.99). */
  betas?: [number, number];
  /** Adam ε (default: the backend's float epsilon, tfjs's choice; PyTorch uses 1e-8). */
  epsilon?: number;
  /** Coupled L2 weight decay added to every gradient (PyTorch/Paddle `weight_decay`). */
  weightDecay?: number;
  /** Which variables `weightDecay` applies to (default all); YOLOX exempts norm layers and biases (`decayedParameters`). */
  decayed?: (v: tf.Variable) => boolean;
  /**
   * A per-variable lr multiplier (Paddle's `ParamAttr(learning_rate=…)`, KD-SCFNet's backbone ×0.1):
   * the gradient (after weight decay) is scaled by it. Exact for SGD with or without momentum
   * (the buffer is linear in the gradients), not for Adam (its update is scale-free).
   */
  lrScale?: (v: tf.Variable) => number;
}

/**
 * mmdet's `paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0)` as an `OptimizerSpec.decayed`
 * predicate: every parameter of `modules` is decayed except those of norm layers (BatchNorm2d,
 * LayerNorm) and biases (a parameter named `bias`). Variables of none of `modules` are decayed.
 */
export function decayExceptNormAndBias(modules: readonly Module[]): (v: tf.Variable) => boolean {
  const exempt = new Set<tf.Variable>();
  for (const root of modules)
    for (const [, m] of root.modules()) {
      const norm = m instanceof BatchNorm2d || m instanceof LayerNorm;
      for (const [name, v] of m.namedParameters()) if (norm || name === 'bias') exempt.add(v);
    }
  return (v) => !exempt.has(v);
}

/**
 * A tfjs optimizer whose learning rate can be changed per step. Adam is `FusedAdamOptimizer`: on
 * wasm the step, weight decay and lrScale included, is one KdAdam kernel per variable group,
 * bit-identical to tf.train.adam after the ops below; elsewhere it is tf.train.adam.
 */
export class ScheduledOptimizer {
  private readonly opt: tf.Optimizer;
  /** `opt` when Adam (not `instanceof`: tfjs's Optimizer[Symbol.hasInstance] accepts any optimizer). */
  private readonly adam: FusedAdamOptimizer | null;

  constructor(readonly spec: OptimizerSpec) {
    this.adam =
      spec.kind === 'adam'
        ? new FusedAdamOptimizer(spec.lr, spec.betas?.[0] ?? 0.9, spec.betas?.[1] ?? 0.999, spec.epsilon)
        : null;
    this.opt =
      this.adam ??
      ((spec.momentum ?? 0) > 0
        ? tf.train.momentum(spec.lr, spec.momentum!, spec.nesterov ?? false)
        : tf.train.sgd(spec.lr));
  }

  /** One step: gradients of `lossFn` w.r.t. `vars` (+ weight decay), applied at `lr`. Returns the loss. */
  step(lossFn: () => tf.Scalar, vars: tf.Variable[], lr: number): tf.Scalar {
    const o = this.opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
    if (o.setLearningRate) o.setLearningRate(lr);
    else o.learningRate = lr;
    const { value, grads } = tf.variableGrads(lossFn, vars);
    const wd = this.spec.weightDecay ?? 0;
    if (this.adam?.fused()) {
      // the same decay and scale as below, inside the kernel (same float32 rounding, no extra ops)
      const { decayed, lrScale } = this.spec;
      this.adam.applyFused(grads, (v) => ({
        decay: wd > 0 && (!decayed || decayed(v)) ? wd : 0,
        scale: lrScale ? lrScale(v) : 1,
      }));
      tf.dispose(Object.values(grads));
      return value;
    }
    if (wd > 0) {
      for (const v of vars) {
        if (this.spec.decayed && !this.spec.decayed(v)) continue;
        const g = grads[v.name];
        if (!g) continue; // a variable the loss does not reach (e.g. an unused head): no gradient, no step
        grads[v.name] = tf.tidy(() => g.add(v.mul(wd)));
        g.dispose();
      }
    }
    if (this.spec.lrScale) {
      for (const v of vars) {
        const k = this.spec.lrScale(v),
          g = grads[v.name];
        if (k === 1 || !g) continue;
        grads[v.name] = tf.tidy(() => g.mul(k));
        g.dispose();
      }
    }
    this.opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return value;
  }

  /**
   * The optimizer's state for a checkpoint: tfjs's `getWeights()` (iteration count, then the
   * per-variable slots in variable order: Adam's m and v, momentum's accumulator) and, for Adam,
   * its running β1ᵗ/β2ᵗ products — restoring those from `setWeights`' pow() instead could differ in
   * the last bit, and the resumed run would not be bit-identical.
   */
  async state(): Promise<SavedArray[]> {
    const out: SavedArray[] = [];
    const weights = await this.opt.getWeights();
    for (const [i, w] of weights.entries()) {
      const data = await w.tensor.data();
      out.push({
        name: `optimizer.${i}:${w.name}`,
        shape: w.tensor.shape,
        dtype: w.tensor.dtype === 'int32' ? 'int32' : 'float32',
        data: data instanceof Int32Array ? data.slice() : Float32Array.from(data),
      });
      if (w.name === 'iter') w.tensor.dispose(); // a fresh scalar; the slots are the optimizer's own variables
    }
    const adam = this.opt as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
    if (adam.accBeta1 && adam.accBeta2) {
      for (const [name, v] of [
        ['optimizer.accBeta1', adam.accBeta1],
        ['optimizer.accBeta2', adam.accBeta2],
      ] as const)
        out.push({ name, shape: [], dtype: 'float32', data: Float32Array.from(await v.data()) });
    }
    return out;
  }

  /** Restores `state()` (the slots are matched to variables by position, as tfjs does). */
  async restore(arrays: readonly SavedArray[]): Promise<void> {
    const slots = arrays.filter((a) => /^optimizer\.\d+:/.test(a.name));
    const named = slots.map((a) => ({
      name: a.name.slice(a.name.indexOf(':') + 1),
      tensor: tf.tensor(a.data, a.shape, a.dtype),
    }));
    await this.opt.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
    const adam = this.opt as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
    for (const [name, v] of [
      ['optimizer.accBeta1', adam.accBeta1],
      ['optimizer.accBeta2', adam.accBeta2],
    ] as const) {
      const a = arrays.find((x) => x.name === name);
      if (!v || !a) continue;
      const t = tf.scalar(a.data[0]);
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    // tfjs's MomentumOptimizer.dispose() does not call SGD's, which frees the learning-rate scalar
    // `c`: without this every momentum run would leave one tensor behind.
    const c = (this.opt as unknown as { c?: tf.Tensor }).c;
    this.opt.dispose();
    if (c && !c.isDisposed) c.dispose();
  }
}
