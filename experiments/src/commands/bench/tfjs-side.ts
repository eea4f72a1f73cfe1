import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import type { DenseModel } from '@kd/nn';
import { InferenceGraph, createModel } from '@kd/models';
import { FusedAdamOptimizer } from '@kd/distill';

/** How `infer` runs: the model's eager forward, or the traced BN-folded, fused graph (@kd/models fold/). */
export type InferPath = 'eager' | 'folded';

/** Our side of one model: fixed inputs, the train step and the inference pass. */
export class TfjsSide {
  readonly model: DenseModel;
  /** tf.train.adam(1e-3), as one KdAdam kernel per step on wasm (KD_FUSED_ADAM=0: tfjs's own ops). */
  private readonly opt = new FusedAdamOptimizer(1e-3);
  private readonly data = new Map<number, [tf.Tensor4D, tf.Tensor4D]>();
  private graph: InferenceGraph | null = null;
  constructor(
    readonly name: string,
    readonly size: number,
    readonly inferPath: InferPath = 'eager',
  ) {
    this.model = createModel(name, { rng: new Rng(1), weights: 'none' });
  }
  private batch(n: number): [tf.Tensor4D, tf.Tensor4D] {
    let d = this.data.get(n);
    if (!d) {
      const rng = new Rng(2, `batch${n}`);
      const s = this.size;
      const t = new Float32Array(n * s * s).map(() => (rng.chance(0.5) ? 1 : 0));
      d = [
        tf.tensor4d(rng.fillNormal(new Float32Array(n * s * s * 3), 0, 1), [n, s, s, 3]),
        tf.tensor4d(t, [n, s, s, 1]),
      ];
      this.data.set(n, d);
    }
    return d;
  }
  /**
   * Mean BCE-with-logits over all outputs, backward, Adam; waits for the loss value. With
   * `micro` > 1 the batch runs as `micro` equal slices whose gradients are averaged before one
   * Adam step (same FLOPs; BN statistics per slice): CSNet-L at 8×224² keeps ~6 GB of
   * activations for backprop, more than the 4 GB wasm32 heap.
   */
  train(n: number, micro = 1): void {
    const [x, t] = this.batch(n);
    this.model.train();
    const vars = this.model.trainableVariables();
    const lossOf = (xs: tf.Tensor4D, ts: tf.Tensor4D) => () =>
      tf.tidy(() => {
        const outs = this.model.forward(xs);
        return tf.div(tf.addN(outs.map((o) => tf.losses.sigmoidCrossEntropy(ts, o))), outs.length) as tf.Scalar;
      });
    if (micro <= 1) {
      const loss = this.opt.minimize(lossOf(x, t), true, vars)!;
      loss.dataSync();
      loss.dispose();
      return;
    }
    const m = n / micro;
    let acc: tf.NamedTensorMap | null = null;
    for (let k = 0; k < micro; k++) {
      const [xs, ts] = [x.slice([k * m, 0, 0, 0], [m, -1, -1, -1]), t.slice([k * m, 0, 0, 0], [m, -1, -1, -1])];
      const { value, grads } = tf.variableGrads(lossOf(xs, ts), vars);
      value.dataSync();
      tf.dispose([value, xs, ts]);
      if (!acc) acc = grads;
      else {
        const prev: tf.NamedTensorMap = acc;
        acc = Object.fromEntries(Object.entries(grads).map(([key, g]) => [key, tf.add(prev[key], g)]));
        tf.dispose([...Object.values(prev), ...Object.values(grads)]);
      }
    }
    const avg = tf.tidy(() => Object.fromEntries(Object.entries(acc!).map(([key, g]) => [key, tf.div(g, micro)])));
    tf.dispose(Object.values(acc!));
    this.opt.applyGradients(Object.entries(avg).map(([name, tensor]) => ({ name, tensor })));
    tf.dispose(Object.values(avg));
  }
  /** One inference of batch n by `path` (default: the side's), waiting for the main output. */
  infer(n: number, path: InferPath = this.inferPath): void {
    const [x] = this.batch(n);
    this.model.eval();
    if (path === 'folded') this.graph ??= new InferenceGraph(this.model);
    const g = path === 'folded' ? this.graph : null;
    const y = tf.tidy(() => (g ? g.forward(x) : this.model.forward(x)[0]));
    y.dataSync();
    y.dispose();
  }
  dispose(): void {
    for (const [x, t] of this.data.values()) tf.dispose([x, t]);
    this.graph?.dispose();
    this.opt.dispose();
    this.model.dispose();
  }
}
