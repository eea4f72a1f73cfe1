import * as tf from '@tensorflow/tfjs';
import type { SodModel } from '../../model.ts';
import type { Rng } from '@kd/core';
import { resizeBilinear } from '@kd/runtime';
import { BatchNorm2d, Conv2d, Module, type ForwardOptions, type TapSpec } from '@kd/nn';

/** conv3×3 → BN → ReLU. */
class ConvBnRelu extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor(rng: Rng, cin: number, cout: number, stride = 1) {
    super();
    this.conv = this.child('conv', new Conv2d(rng, cin, cout, { kernel: 3, stride, padding: 1 }));
    this.bn = this.child('bn', new BatchNorm2d(cout));
  }
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.relu(this.bn.forward(this.conv.forward(x))) as tf.Tensor4D);
  }
}

/**
 * TinySOD: a small SOD encoder–decoder used by the quickstart pair (not a paper model).
 * Encoder: 4 stages of [CBR s2, CBR] at widths w·(1,2,4,8), strides 2/4/8/16 (taps s1..s4).
 * Decoder (width w at every level): top-down, each stage upsamples (bilinear, half-pixel), adds the lateral 1×1
 * projection, then a CBR; a 3×3 head per decoder level gives a logit map upsampled to the
 * input. Outputs [N,H,W,1] logits, finest (main) first. Input H, W divisible by 16.
 */
export class TinySod extends Module implements SodModel {
  readonly task = 'sod' as const;
  readonly inputMultiple = 16;
  readonly defaultInputSize = 96;
  /** The registry name fixes the width, so nothing else is needed to rebuild it. */
  readonly buildOptions: Record<string, unknown> = {};
  readonly taps: TapSpec[];
  readonly normalization = {
    mean: [123.675, 116.28, 103.53] as [number, number, number],
    std: [58.395, 57.12, 57.375] as [number, number, number],
  };
  private readonly enc: [ConvBnRelu, ConvBnRelu][] = [];
  private readonly lat: Conv2d[] = [];
  private readonly dec: ConvBnRelu[] = [];
  private readonly heads: Conv2d[] = [];

  constructor(
    readonly name: string,
    rng: Rng,
    width: number,
  ) {
    super();
    const widths = [width, width * 2, width * 4, width * 8];
    const dw = width;
    let cin = 3;
    widths.forEach((c, i) => {
      const a = this.child(`enc${i}a`, new ConvBnRelu(rng, cin, c, 2));
      const b = this.child(`enc${i}b`, new ConvBnRelu(rng, c, c));
      this.enc.push([a, b]);
      this.lat.push(this.child(`lat${i}`, new Conv2d(rng, c, dw, { kernel: 1, bias: true })));
      this.dec.push(this.child(`dec${i}`, new ConvBnRelu(rng, dw, dw)));
      this.heads.push(this.child(`head${i}`, new Conv2d(rng, dw, 1, { kernel: 3, bias: true })));
      cin = c;
    });
    this.taps = widths.map((c, i) => ({ name: `s${i + 1}`, channels: c, stride: 2 ** (i + 1) }));
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    const [, H, W] = x.shape;
    if (H % 16 || W % 16) throw new Error(`${this.name}: input H and W must be divisible by 16, got ${H}×${W}`);
    const feats: tf.Tensor4D[] = [];
    let h = x;
    this.enc.forEach(([a, b], i) => {
      h = b.forward(a.forward(h));
      opts.recorder?.record(`s${i + 1}`, h);
      feats.push(h);
    });
    const outs: tf.Tensor4D[] = [];
    let top: tf.Tensor4D | null = null;
    for (let i = 3; i >= 0; i--) {
      const f = feats[i];
      let m = this.lat[i].forward(f);
      if (top) m = tf.add(m, resizeBilinear(top, [f.shape[1], f.shape[2]])) as tf.Tensor4D;
      top = this.dec[i].forward(m);
      outs.unshift(resizeBilinear(this.heads[i].forward(top), [H, W]));
    }
    return outs;
  }
}
