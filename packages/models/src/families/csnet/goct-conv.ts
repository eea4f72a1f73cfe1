import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module, countingOps, kaimingUniformDefault, reportOp } from '@kd/nn';
import { add, avgPool, maxPool, upsample } from '../../layers/ops.ts';

/** A multi-resolution feature: branch i is NHWC at 1/2^i of branch 0's size; null = absent branch. */
export type Branches = (tf.Tensor4D | null)[];

export interface GOctConvOptions {
  kernel: number;
  stride?: 1 | 2;
  padding?: number;
}

/**
 * Generalised octave convolution (gOctConv, CSNet). One weight W [k,k,ΣCin,ΣCout] (HWIO; the
 * official `[out,in,k,k]`) is cut into blocks W[i→j]. Output branch j = Σ_i y_ij with
 *   stride 2: every input branch is first 2×2 average-pooled;
 *   i > j (coarser input): conv at the input's resolution, then bilinear ×2^(i−j) (half-pixel);
 *   i < j (finer input):   max-pool 2^(j−i), then conv;
 *   i = j:                 conv.
 * Zero-width or absent branches are skipped; an output branch nobody feeds is null. With one
 * input and one output branch it is the official plain `Conv2dX100` (100·W, real stride).
 * Summation order is ascending i, as the official code.
 */
export class GOctConv extends Module {
  readonly weight: tf.Variable;
  /** One input and one output branch: the official plain `Conv2dX100` (forward uses 100·W, real stride). */
  readonly plain: boolean;
  readonly stride: number;
  readonly padding: number;
  readonly kernel: number;
  private readonly inOff: number[];
  private readonly outOff: number[];

  constructor(
    rng: Rng,
    readonly ins: readonly number[],
    readonly outs: readonly number[],
    opts: GOctConvOptions,
  ) {
    super();
    this.kernel = opts.kernel;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? (opts.kernel - 1) >> 1;
    const cin = ins.reduce((a, b) => a + b, 0);
    const cout = outs.reduce((a, b) => a + b, 0);
    this.inOff = ins.map((_, i) => ins.slice(0, i).reduce((a, b) => a + b, 0));
    this.outOff = outs.map((_, j) => outs.slice(0, j).reduce((a, b) => a + b, 0));
    this.plain = ins.length === 1 && outs.length === 1;
    const k = this.kernel;
    this.weight = this.param('weight', kaimingUniformDefault(rng, [k, k, cin, cout], k * k * cin));
  }

  forward(xs: Branches): Branches {
    if (xs.length !== this.ins.length)
      throw new Error(`gOctConv: expected ${this.ins.length} input branches, got ${xs.length}`);
    if (this.plain) return [xs[0] ? this.conv(xs[0], tf.mul(this.weight, 100) as tf.Tensor4D, this.stride) : null];
    const sums: Branches = this.outs.map(() => null);
    xs.forEach((xi, i) => {
      if (!xi || this.ins[i] === 0) return;
      const x = this.stride === 2 ? avgPool(xi, 2) : xi;
      this.outs.forEach((co, j) => {
        if (co === 0) return;
        const w = tf.slice(
          this.weight,
          [0, 0, this.inOff[i], this.outOff[j]],
          [-1, -1, this.ins[i], co],
        ) as tf.Tensor4D;
        let y: tf.Tensor4D;
        if (i > j) {
          const f = 2 ** (i - j);
          const c = this.conv(x, w);
          y = upsample(c, [c.shape[1] * f, c.shape[2] * f]);
        } else if (i < j) {
          y = this.conv(maxPool(x, 2 ** (j - i)), w);
        } else y = this.conv(x, w);
        sums[j] = sums[j] ? add(sums[j]!, y) : y;
      });
    });
    return sums;
  }

  private conv(x: tf.Tensor4D, w: tf.Tensor4D, stride = 1): tf.Tensor4D {
    const p = this.padding;
    const y = tf.conv2d(x, w, stride, p === 0 ? 'valid' : (p as unknown as 'valid'));
    if (countingOps()) {
      const [kh, kw, ci] = w.shape;
      reportOp({ kind: 'conv', name: 'goctconv', macs: y.size * kh * kw * ci, flops: 0, outShape: y.shape });
    }
    return y;
  }
}
