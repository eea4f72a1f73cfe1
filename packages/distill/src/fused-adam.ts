import * as tf from '@tensorflow/tfjs';
import { adamKernelUsable, adamUpdate, type AdamItem } from '@kd/runtime';

/** tfjs AdamOptimizer's private state, which this subclass shares (same checkpoint layout). */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/** Per-variable gradient preprocessing the fused step applies in the same kernel. */
export interface GradientPrep {
  /** Coupled weight decay: g ← g + θ·decay (0 = none). */
  decay: number;
  /** Then g ← g·scale (1 = none). */
  scale: number;
}

/** What tfjs's applyGradients takes: a name → gradient map or `{ name, tensor }[]` (minimize's form). */
type Gradients = Parameters<tf.Optimizer['applyGradients']>[0];

/** At most this many elements per KdAdam call: its outputs (new θ, m, v) coexist with the old until assigned. */
const CHUNK_ELEMENTS = 1 << 22;

/**
 * tfjs's AdamOptimizer (tf.train.adam) with the whole step as one KdAdam kernel call per group of
 * variables where the backend has it (wasm: @kd/runtime adam-kernel.ts), bit-identical to tfjs's
 * own step; anywhere else (cpu, tensorflow, webgl, webgpu, KD_FUSED_ADAM=0) it is tfjs's step
 * itself. The state is tfjs's: the same slots (m, v per variable, by position in the gradient
 * map, created on first use), the same float32 β1ᵗ/β2ᵗ variables, getWeights/setWeights, dispose.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** True when steps run as KdAdam on the active backend. */
  fused(): boolean {
    return adamKernelUsable();
  }

  override applyGradients(variableGradients: Gradients): void {
    if (this.fused()) this.applyFused(variableGradients);
    // tfjs declares Adam's map as variables; it reads them as gradient tensors (as Optimizer declares)
    else super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
  }

  /**
   * One fused step (only where `fused()`): tfjs's applyGradients, with `prep(θ)`'s weight decay and
   * gradient scale applied inside the kernel, rounding as `g.add(θ.mul(decay))` then `.mul(scale)`.
   */
  applyFused(variableGradients: Gradients, prep?: (v: tf.Variable) => GradientPrep): void {
    if (!this.fused()) throw new Error('FusedAdamOptimizer.applyFused: the active backend has no KdAdam kernel');
    const s = this as unknown as AdamState;
    const list = Array.isArray(variableGradients);
    const names = list ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const items: AdamItem[] = [];
    const targets: [tf.Variable, tf.Variable, tf.Variable][] = [];
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      if (!value) throw new Error(`FusedAdamOptimizer: no variable named '${name}' for the gradient given`);
      // the slots exactly as tfjs creates them (by position i in this step's gradients)
      s.accumulatedFirstMoment[i] ??= {
        originalName: `${name}/m`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      s.accumulatedSecondMoment[i] ??= {
        originalName: `${name}/v`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const g = list ? variableGradients[i].tensor : variableGradients[name];
      if (g == null) return;
      const m = s.accumulatedFirstMoment[i].variable;
      const v = s.accumulatedSecondMoment[i].variable;
      items.push({ x: value, m, v, g, ...prep?.(value) });
      targets.push([value, m, v]);
    });
    const hyper = {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      learningRate: this.learningRate,
    };
    for (let start = 0; start < items.length;) {
      let end = start + 1,
        size = items[start].x.size;
      while (end < items.length && size + items[end].x.size <= CHUNK_ELEMENTS) size += items[end++].x.size;
      const outs = adamUpdate(items.slice(start, end), s.accBeta1, s.accBeta2, hyper);
      outs.forEach(([x, m, v], k) => {
        const [xv, mv, vv] = targets[start + k];
        mv.assign(m);
        vv.assign(v);
        xv.assign(x);
      });
      tf.dispose(outs.flat());
      start = end;
    }
    tf.tidy(() => {
      s.accBeta1.assign(tf.mul(s.accBeta1, this.beta1));
      s.accBeta2.assign(tf.mul(s.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
