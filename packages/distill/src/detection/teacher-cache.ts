import * as tf from '@tensorflow/tfjs';
import { withTaps, type DenseModel, type TappedOutput } from '@kd/nn';
import type { TeacherOutputCache } from '../teacher-cache.ts';

/** Optional disk layer: the content-addressed output cache, and the batch key of each step. */
export interface DiskTaps {
  cache: TeacherOutputCache;
  /** Everything that fixes the teacher's input at `step` (plan seed, step, sizes). */
  keyOf(step: number): string;
}

/**
 * A frozen teacher's tapped features per training step, computed once (eval mode, outside any
 * gradient tape) and kept until `dispose()`. Students trained on the same batch plan reuse them.
 * With `keep = false` nothing is stored in memory: `release` disposes the taps after the step.
 * With `disk`, taps are also read from / written to a TeacherOutputCache, so students trained in
 * other runs or processes on the same plan never run the teacher again.
 */
export class TeacherTapCache {
  private readonly fwd: (x: tf.Tensor4D) => TappedOutput;
  private readonly store = new Map<number, Record<string, tf.Tensor4D>>();

  constructor(readonly teacher: DenseModel, readonly taps: readonly string[], readonly keep = true, readonly disk: DiskTaps | null = null) {
    this.fwd = withTaps(teacher, taps);
  }

  /** Tap name → [N,H_l,W_l,C] of the teacher on `x` (the batch of `step`). */
  get(step: number, x: tf.Tensor4D): Record<string, tf.Tensor4D> {
    const hit = this.store.get(step);
    if (hit) return hit;
    const key = this.disk ? `${this.disk.keyOf(step)}|taps=${this.taps.join(',')}` : '';
    let t = this.disk?.cache.get(key)?.taps ?? null;
    if (!t) {
      this.teacher.eval();
      t = tf.tidy(() => this.fwd(x).taps);
      this.disk?.cache.put(key, { outputs: [], taps: t });
    }
    if (this.keep) this.store.set(step, t);
    return t;
  }

  /** Called after each step: frees the taps unless they are cached. */
  release(taps: Record<string, tf.Tensor4D>): void {
    if (!this.keep) tf.dispose(Object.values(taps));
  }

  dispose(): void {
    for (const t of this.store.values()) tf.dispose(Object.values(t));
    this.store.clear();
  }
}
