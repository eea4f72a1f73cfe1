import * as tf from '@tensorflow/tfjs';
import { Rng, type DenseModel } from '@kd/core';

/** A fixed pseudo-image batch [n,h,w,3] (roughly unit scale) drawn from `seed`. */
export function testImages(seed: number, n: number, h: number, w: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).fillNormal(new Float32Array(n * h * w * 3), 0, 1), [n, h, w, 3]);
}

/** A fixed target for the model's main output: a {0,1} map for 1-channel outputs, one-hot labels otherwise. */
export function testTarget(seed: number, shape: number[]): tf.Tensor4D {
  const [n, h, w, c] = shape;
  const rng = new Rng(seed, 'target');
  const t = new Float32Array(n * h * w * c);
  for (let p = 0; p < n * h * w; p++) {
    if (c === 1) t[p] = rng.chance(0.5) ? 1 : 0;
    else t[p * c + rng.int(0, c)] = 1;
  }
  return tf.tensor4d(t, [n, h, w, c]);
}

/** Mean loss over all outputs: BCE-with-logits for 1-channel maps, softmax cross-entropy otherwise. */
export function taskLoss(outputs: tf.Tensor4D[], target: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const terms = outputs.map((o) =>
      o.shape[3] === 1 ? tf.losses.sigmoidCrossEntropy(target, o) : tf.losses.softmaxCrossEntropy(target.reshape([-1, o.shape[3]]), o.reshape([-1, o.shape[3]])),
    );
    return tf.addN(terms).div(terms.length) as tf.Scalar;
  });
}

/** One SGD step of `model` on (x, target); returns the loss before the step. */
export function sgdStep(model: DenseModel, opt: tf.Optimizer, x: tf.Tensor4D, target: tf.Tensor4D): number {
  const loss = opt.minimize(() => taskLoss(model.forward(x), target), true, model.trainableVariables()) as tf.Scalar;
  const v = loss.dataSync()[0];
  loss.dispose();
  return v;
}
