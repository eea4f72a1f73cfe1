import * as tf from '@tensorflow/tfjs';
import type { LrSchedule } from './lr-schedule.ts';

/** An optimizer and its learning-rate schedule (`learningRate` in lr-schedule.ts). */
export interface OptimizerSpec extends LrSchedule {
  kind: 'adam' | 'sgd';
  /** SGD momentum (0 = plain SGD). */
  momentum?: number;
  /** Adam β1, β2 (default 0.9, 0.999; CSNet's official recipe uses 0.9, 0.99). */
  betas?: [number, number];
  /** Adam ε (default: the backend's float epsilon, tfjs's choice; PyTorch uses 1e-8). */
  epsilon?: number;
  /** Coupled L2 weight decay added to every gradient (PyTorch/Paddle `weight_decay`). */
  weightDecay?: number;
}

/** A tfjs optimizer whose learning rate can be changed per step. */
export class ScheduledOptimizer {
  private readonly opt: tf.Optimizer;

  constructor(readonly spec: OptimizerSpec) {
    this.opt = spec.kind === 'adam' ? tf.train.adam(spec.lr, spec.betas?.[0] ?? 0.9, spec.betas?.[1] ?? 0.999, spec.epsilon) : (spec.momentum ?? 0) > 0 ? tf.train.momentum(spec.lr, spec.momentum!) : tf.train.sgd(spec.lr);
  }

  /** One step: gradients of `lossFn` w.r.t. `vars` (+ weight decay), applied at `lr`. Returns the loss. */
  step(lossFn: () => tf.Scalar, vars: tf.Variable[], lr: number): tf.Scalar {
    const o = this.opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
    if (o.setLearningRate) o.setLearningRate(lr);
    else o.learningRate = lr;
    const { value, grads } = tf.variableGrads(lossFn, vars);
    const wd = this.spec.weightDecay ?? 0;
    if (wd > 0) {
      for (const v of vars) {
        const g = grads[v.name];
        if (!g) continue; // a variable the loss does not reach (e.g. an unused head): no gradient, no step
        grads[v.name] = tf.tidy(() => g.add(v.mul(wd)));
        g.dispose();
      }
    }
    this.opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return value;
  }

  dispose(): void {
    this.opt.dispose();
  }
}
