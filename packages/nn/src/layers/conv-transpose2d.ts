import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { kaimingUniformDefault } from '../init.ts';
import { Module } from '../module.ts';

export interface ConvTranspose2dOptions {
  kernel: number;
  stride?: number;
  /** PyTorch `padding` (default (kernel − 1)/2). */
  padding?: number;
  /** PyTorch `output_padding` (default stride − 1, so a stride-s layer multiplies H, W by s). */
  outputPadding?: number;
  bias?: boolean;
}

/**
 * Transposed 2-D convolution, NHWC, PyTorch `ConvTranspose2d` semantics:
 *   x [N,H,W,in] → [N,(H−1)s − 2p + k + op, (W−1)s − 2p + k + op, out].
 * Weight is `[k,k,out,in]` (tfjs conv2dTranspose layout); PyTorch's `[in,out,k,k]` converts by
 * transpose(2,3,1,0). Init as PyTorch (kaiming_uniform(a=√5) with fan_in = out·k², bias U(±1/√fan_in)).
 *
 * @example
 *   const up = new ConvTranspose2d(rng, 64, 32, { kernel: 3, stride: 2 }); // ×2 upsampling
 */
export class ConvTranspose2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    opts: ConvTranspose2dOptions,
  ) {
    super();
    this.kernel = opts.kernel;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? Math.floor((opts.kernel - 1) / 2);
    this.outputPadding = opts.outputPadding ?? this.stride - 1;
    if (this.outputPadding >= this.stride && this.outputPadding > 0) {
      throw new Error(`ConvTranspose2d: outputPadding ${this.outputPadding} must be < stride ${this.stride}`);
    }
    if (this.padding > this.kernel - 1)
      throw new Error(`ConvTranspose2d: padding ${this.padding} must be <= kernel − 1`);
    const fanIn = outChannels * this.kernel * this.kernel; // PyTorch computes fan_in from weight dim 1
    this.weight = this.param(
      'weight',
      kaimingUniformDefault(rng, [this.kernel, this.kernel, outChannels, inChannels], fanIn),
    );
    if (opts.bias ?? true) {
      const b = 1 / Math.sqrt(fanIn);
      this.bias = this.param('bias', tf.tensor1d(rng.fillUniform(new Float32Array(outChannels), -b, b)));
    } else this.bias = null;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      const { kernel: k, stride: s, padding: p, outputPadding: op } = this;
      const oh = (h - 1) * s - 2 * p + k + op;
      const ow = (w - 1) * s - 2 * p + k + op;
      // PyTorch's transposed conv is the input-gradient of a conv with symmetric padding p on an
      // oh×ow input (the op extra rows are never read by that conv), so pass exactly that padding.
      const pad = [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ] as unknown as 'valid';
      let y: tf.Tensor4D = tf.conv2dTranspose(x, this.weight as tf.Tensor4D, [n, oh, ow, this.outChannels], s, pad);
      if (this.bias) y = tf.add(y, this.bias);
      return y;
    });
  }
}
