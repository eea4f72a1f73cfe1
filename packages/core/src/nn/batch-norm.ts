import * as tf from '@tensorflow/tfjs';
import { Module } from './module.ts';
import { batchNormTrain } from '../ops/batch-norm-train.ts';

/**
 * BatchNorm over the channel axis of NHWC maps, PyTorch semantics: in training, normalise by
 * the batch statistics (biased variance) and update running_mean/var with momentum 0.1
 * (unbiased variance); in eval, use the running statistics. eps 1e-5.
 * Names: weight (γ), bias (β), running_mean, running_var.
 */
export class BatchNorm2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(readonly channels: number, readonly momentum = 0.1, readonly eps = 1e-5) {
    super();
    this.weight = this.param('weight', tf.ones([channels]));
    this.bias = this.param('bias', tf.zeros([channels]));
    this.runningMean = this.buffer('running_mean', tf.zeros([channels]));
    this.runningVar = this.buffer('running_var', tf.ones([channels]));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    if (!this.training) {
      return tf.batchNorm(x, this.runningMean, this.runningVar, this.bias, this.weight, this.eps) as tf.Tensor4D;
    }
    const n = x.size / this.channels;
    const m = this.momentum;
    return batchNormTrain(x, this.weight as tf.Tensor1D, this.bias as tf.Tensor1D, this.eps, (mean, variance) =>
      tf.tidy(() => {
        const unbiased = n > 1 ? variance.mul(n / (n - 1)) : variance;
        this.runningMean.assign(this.runningMean.mul(1 - m).add(mean.mul(m)));
        this.runningVar.assign(this.runningVar.mul(1 - m).add(unbiased.mul(m)));
      }),
    );
  }
}
