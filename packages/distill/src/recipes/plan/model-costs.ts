import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { countModel, createModel } from '@kd/models';
import { withTaps } from '@kd/nn';
import { planScale, scaledSize } from './count-scale.ts';
import { modelKey, type ModelRef } from './run-plan.ts';

/** What the plan needs of one model at one input size (batch 1). */
export interface ModelCost {
  params: number;
  /** BN running statistics and other non-trained state. */
  buffers: number;
  /** Multiply–accumulates of one forward of one image (countModel). */
  macs: number;
  /** Analytic activation bytes per image: Σ float32 outputs of every counted op (what the tape keeps). */
  activationBytes: number;
}

/**
 * Builds each distinct model once (`createModel` at the config's options, seeded init), counts it
 * with `countModel` at its input size and disposes it; results are memoised by `modelKey`. Large
 * inputs are counted at [H/f, W/f] and scaled by f² (`planScale`).
 */
export class ModelCosts {
  private readonly costs = new Map<string, ModelCost>();
  private readonly tapped = new Map<string, number[][]>();

  private build(ref: ModelRef) {
    return createModel(ref.name, { ...ref.opts, rng: new Rng(1).fork('plan') } as never);
  }

  cost(ref: ModelRef): ModelCost {
    const key = modelKey(ref);
    let c = this.costs.get(key);
    if (!c) {
      const m = this.build(ref);
      try {
        const f = planScale(ref.size);
        const n = countModel(m, scaledSize(ref.size, f));
        const activationBytes = 4 * f * f * n.ops.reduce((s, o) => s + o.outShape.reduce((a, b) => a * b, 1), 0);
        c = { params: n.params, buffers: n.paramsWithBuffers - n.params, macs: n.macs * f * f, activationBytes };
      } finally {
        m.dispose();
      }
      this.costs.set(key, c);
    }
    return c;
  }

  /**
   * Shapes (batch 1, NHWC) of the eval-mode outputs followed by the named taps of one forward:
   * what the teacher-output cache stores per batch (outputs, then taps).
   */
  outputShapes(ref: ModelRef, taps: readonly string[]): { outputs: number[][]; taps: Record<string, number[]> } {
    const key = `${modelKey(ref)}|${taps.join(',')}`;
    const hit = this.tapped.get(key);
    if (hit)
      return {
        outputs: hit.slice(0, hit.length - taps.length),
        taps: Object.fromEntries(taps.map((t, i) => [t, hit[hit.length - taps.length + i]])),
      };
    const m = this.build(ref);
    try {
      m.eval();
      const f = planScale(ref.size);
      const [h, w] = scaledSize(ref.size, f);
      const shapes = tf.tidy(() => {
        const o = withTaps(m, taps)(tf.zeros([1, h, w, 3]) as tf.Tensor4D);
        return [...o.outputs.map((t) => t.shape), ...taps.map((t) => o.taps[t].shape)];
      });
      for (const s of shapes) if (s.length === 4) [s[1], s[2]] = [s[1] * f, s[2] * f];
      this.tapped.set(key, shapes);
    } finally {
      m.dispose();
    }
    return this.outputShapes(ref, taps);
  }
}
