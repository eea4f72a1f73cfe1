import * as tf from '@tensorflow/tfjs';
import { Module } from './module.ts';
import { batchNormPreluTrain, batchNormTrain, nativeTrainKernels, prelu } from '@kd/runtime';

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

  constructor(
    readonly channels: number,
    readonly momentum = 0.1,
    readonly eps = 1e-5,
  ) {
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
    return batchNormTrain(
      x,
      this.weight as tf.Tensor1D,
      this.bias as tf.Tensor1D,
      this.eps,
      this.updateRunningStats(x),
    );
  }

  /**
   * PReLU(this.forward(x)) with per-channel slopes `alpha` [C] (CSNet's BN → PReLU pairs). In
   * training it is one fused op (ops/batch-norm-train.ts batchNormPreluTrain), same values.
   */
  forwardPrelu(x: tf.Tensor4D, alpha: tf.Tensor1D): tf.Tensor4D {
    if (!this.training) return prelu(this.forward(x), alpha);
    return batchNormPreluTrain(
      x,
      this.weight as tf.Tensor1D,
      this.bias as tf.Tensor1D,
      alpha,
      this.eps,
      this.updateRunningStats(x),
    );
  }

  /** The batch-moments callback that updates running_mean/var (momentum, unbiased variance). */
  private updateRunningStats(x: tf.Tensor4D): (mean: tf.Tensor1D, variance: tf.Tensor1D) => void {
    const n = x.size / this.channels;
    const m = this.momentum;
    if (nativeTrainKernels() && this.runningMean.dtype === 'float32') {
      // one wasm kernel instead of ~8 tiny ops and their scalars (same rounding, kernels.c bn_running)
      return (mean, variance) =>
        tf.tidy(() => {
          const inputs = { runningMean: this.runningMean, runningVar: this.runningVar, mean, variance };
          const [rm, rv] = tf.engine().runKernel('KdBatchNormRunningStats', inputs, { momentum: m, n }) as tf.Tensor[];
          this.runningMean.assign(rm);
          this.runningVar.assign(rv);
        });
    }
    return (mean, variance) =>
      tf.tidy(() => {
        const unbiased = n > 1 ? variance.mul(n / (n - 1)) : variance;
        this.runningMean.assign(this.runningMean.mul(1 - m).add(mean.mul(m)));
        this.runningVar.assign(this.runningVar.mul(1 - m).add(unbiased.mul(m)));
      });
  }
}
