import * as tf from '@tensorflow/tfjs';
import type { Module } from '@kd/nn';
import type { SavedArray } from './checkpoint-file.ts';

/**
 * An exponential moving average of the student's weights (YOLOX's `ModelEMA`, mmdet's
 * `ExpMomentumEMAHook`). After update k (1-based):
 *   d_k = decay·(1 − exp(−k/ramp)),  ema ← d_k·ema + (1 − d_k)·θ.
 * mmdet's hook with `momentum` m and `total_iter` T applies ema ← (1 − μ)·ema + μ·θ with
 * μ = (1 − m)·exp(−(1 + i)/T) + m at 0-based iteration i, i.e. d = 1 − μ = (1 − m)(1 − exp(−(i + 1)/T)):
 * the same formula with decay = 1 − m (m = 1e-4 → 0.9999, YOLOX's default) and ramp = T = 2000.
 */
export interface EmaSpec {
  /** Asymptotic decay (1 − mmdet's momentum): 0.9999 for the paper's momentum 1e-4. */
  decay: number;
  /** Steps of the exponential ramp (mmdet `total_iter`, YOLOX's 2000). */
  ramp: number;
}

/** d_k of update k (1-based). */
export const emaDecay = (spec: EmaSpec, k: number): number => spec.decay * (1 - Math.exp(-k / spec.ramp));

/** Checkpoint name prefix of the shadow weights. */
const PREFIX = 'ema.';

/**
 * Shadow copies of every state-dict entry of a module (parameters and buffers, e.g. BN running
 * statistics, as mmdet's hook with skip_buffers=False and YOLOX's ModelEMA do), started from its
 * current values. The trainer calls `update(k)` after step k and `copyTo` at the end of the stage,
 * so evaluation and export see the averaged weights.
 */
export class WeightEma {
  private readonly shadow: Map<string, tf.Variable>;

  constructor(
    private readonly model: Module,
    readonly spec: EmaSpec,
  ) {
    if (!(spec.decay > 0 && spec.decay < 1) || !(spec.ramp > 0))
      throw new Error(`ema: decay must be in (0, 1) and ramp > 0, got decay ${spec.decay}, ramp ${spec.ramp}`);
    this.shadow = new Map(
      [...model.stateDict()].map(([n, v]) => {
        const copy = v.clone();
        const s = tf.variable(copy, false);
        copy.dispose(); // the variable holds its own reference to the data
        return [n, s];
      }),
    );
  }

  /** ema ← d_k·ema + (1 − d_k)·θ for every entry, after step k (1-based). */
  update(k: number): void {
    const d = emaDecay(this.spec, k);
    const live = this.model.stateDict();
    tf.tidy(() => {
      for (const [n, s] of this.shadow) s.assign(tf.add(tf.mul(s, d), tf.mul(live.get(n)!, 1 - d)));
    });
  }

  /** The shadow weights as checkpoint arrays (`ema.<name>`). */
  async state(): Promise<SavedArray[]> {
    const out: SavedArray[] = [];
    for (const [n, s] of this.shadow)
      out.push({ name: PREFIX + n, shape: s.shape, dtype: 'float32', data: Float32Array.from(await s.data()) });
    return out;
  }

  /** Restores `state()` from a checkpoint's arrays; a missing entry is an error naming it. */
  restore(arrays: readonly SavedArray[], file: string): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    for (const [n, s] of this.shadow) {
      const a = byName.get(PREFIX + n);
      if (!a) throw new Error(`checkpoint ${file} has no '${PREFIX}${n}' (written without ema?)`);
      const t = tf.tensor(a.data, s.shape, 'float32');
      s.assign(t);
      t.dispose();
    }
  }

  /** Writes the averaged weights into the model (for evaluation and export). */
  copyTo(): void {
    const live = this.model.stateDict();
    for (const [n, s] of this.shadow) live.get(n)!.assign(s);
  }

  dispose(): void {
    for (const s of this.shadow.values()) s.dispose();
  }
}
