import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { dilatedConv2d, dilatedDepthwiseConv2d } from '@kd/runtime';
import { FUSABLE, activate, type Activation } from './activations.ts';
import { kaimingUniformDefault } from './init.ts';
import { Module } from './module.ts';
import { countingOps, reportOp } from './op-counter.ts';

export interface Conv2dOptions {
  kernel: number;
  stride?: number;
  /** Symmetric zero padding in pixels (PyTorch `padding`); default keeps 'same' size at stride 1. */
  padding?: number;
  dilation?: number;
  bias?: boolean;
  /** `depthwise` = groups equal to channels (multiplier 1); the only grouped conv tfjs has. */
  depthwise?: boolean;
  /**
   * Forward multiplies the weight by this (CSNet's Conv2dX100 uses 100: a reparameterisation
   * that scales the effective Adam step of that layer by 100). Default 1.
   */
  weightScale?: number;
  /** Weight init; default PyTorch's kaiming_uniform(a=√5) and bias U(±1/√fan_in). */
  init?: (rng: Rng, shape: number[], fanIn: number, fanOut: number) => tf.Tensor;
}

/**
 * 2-D convolution, NHWC. x [N,H,W,in] → [N,H',W',out]. Weight is HWIO `[k,k,in,out]`
 * (depthwise: `[k,k,C,1]`); PyTorch's `[out,in,k,k]` converts by transpose(2,3,1,0).
 * Dilation > 1 goes through the custom-gradient atrous ops (tfjs has no such gradients).
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly depthwise: boolean;
  readonly weightScale: number;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    opts: Conv2dOptions,
  ) {
    super();
    const k = opts.kernel;
    this.stride = opts.stride ?? 1;
    this.dilation = opts.dilation ?? 1;
    this.padding = opts.padding ?? Math.floor(((k - 1) * this.dilation) / 2);
    this.depthwise = opts.depthwise ?? false;
    this.weightScale = opts.weightScale ?? 1;
    if (this.depthwise && inChannels !== outChannels) {
      throw new Error(`Conv2d: depthwise needs in == out channels, got ${inChannels} → ${outChannels}`);
    }
    if (this.dilation > 1 && this.stride > 1) throw new Error('Conv2d: dilation > 1 needs stride 1');
    const shape = this.depthwise ? [k, k, inChannels, 1] : [k, k, inChannels, outChannels];
    const fanIn = this.depthwise ? k * k : k * k * inChannels;
    const fanOut = this.depthwise ? k * k : k * k * outChannels;
    this.weight = this.param('weight', (opts.init ?? kaimingUniformDefault)(rng, shape, fanIn, fanOut));
    if (opts.bias ?? false) {
      const b = 1 / Math.sqrt(fanIn);
      this.bias = this.param('bias', tf.tensor1d(rng.fillUniform(new Float32Array(outChannels), -b, b)));
    } else this.bias = null;
  }

  /** The weight the forward pass uses (scaled for Conv2dX100). */
  effectiveWeight(): tf.Tensor4D {
    return (this.weightScale === 1 ? this.weight : this.weight.mul(this.weightScale)) as tf.Tensor4D;
  }

  forward(x: tf.Tensor4D, act: Activation = 'linear'): tf.Tensor4D {
    const y = this.run(x, act);
    if (countingOps()) {
      const [n, h, w, c] = y.shape;
      const k = (this.weight.shape[0] as number) * (this.weight.shape[1] as number);
      const perOut = this.depthwise ? k : k * this.inChannels;
      reportOp({
        kind: this.depthwise ? 'depthwise' : 'conv',
        name: 'conv2d',
        macs: n * h * w * c * perOut,
        flops: 0,
        outShape: y.shape,
      });
    }
    return y;
  }

  private run(x: tf.Tensor4D, act: Activation): tf.Tensor4D {
    return tf.tidy(() => {
      const w = this.effectiveWeight();
      const p = this.padding;
      if (this.dilation > 1) {
        let y: tf.Tensor = this.depthwise
          ? dilatedDepthwiseConv2d(x, w, this.dilation, p)
          : dilatedConv2d(x, w, this.dilation, p);
        if (this.bias) y = y.add(this.bias);
        return activate(y, act) as tf.Tensor4D;
      }
      const fused = FUSABLE.has(act) && act !== 'leakyrelu';
      const args = {
        x,
        filter: w,
        strides: this.stride,
        pad: p as unknown as 'valid',
        bias: this.bias ?? undefined,
        activation: (fused ? act : 'linear') as tf.fused.Activation,
      };
      const y = this.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
      return (fused ? y : activate(y, act)) as tf.Tensor4D;
    });
  }
}
