import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { BatchNorm2d, type DenseModel } from '@kd/nn';

/** A fixed pseudo-image batch [n,h,w,3] (roughly unit scale) drawn from `seed`. */
export function testImages(seed: number, n: number, h: number, w: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).fillNormal(new Float32Array(n * h * w * 3), 0, 1), [n, h, w, 3]);
}

/**
 * A fixed target that a dense net can learn from its input `x` [n,H,W,3]: the mean colour of each
 * `cell`×`cell` block of `x`, projected by a fixed random 3×c matrix and repeated (nearest) to the
 * output's `shape` [n,h,w,c] (H/cell and W/cell must divide h and w). `binary`: a {0,1} map
 * (projection > 0; c = 1), `onehot`: the argmax class, `dense`: the projection (regression).
 * Unlike per-pixel noise, it correlates with the features, so a few SGD steps lower the loss clearly.
 */
export function inputTarget(
  x: tf.Tensor4D,
  shape: number[],
  cell: number,
  kind: 'binary' | 'onehot' | 'dense',
): tf.Tensor4D {
  const [n, h, w, c] = shape;
  return tf.tidy(() => {
    const proj = tf.tensor2d(new Rng(11, 'target-projection').fillNormal(new Float32Array(3 * c), 0, 1), [3, c]);
    const blocks = tf.image.resizeNearestNeighbor(tf.avgPool(x, cell, cell, 'valid'), [h, w]);
    const t = tf.matMul(blocks.reshape([-1, 3]), proj).reshape([n, h, w, c]) as tf.Tensor4D;
    if (kind === 'dense') return t;
    if (kind === 'binary') return tf.cast(tf.greater(t, 0), 'float32') as tf.Tensor4D;
    return tf.cast(tf.oneHot(tf.argMax(t, 3), c), 'float32') as tf.Tensor4D;
  });
}

/** Mean loss over all outputs: BCE-with-logits for 1-channel maps, softmax cross-entropy otherwise. */
export function taskLoss(outputs: tf.Tensor4D[], target: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const terms = outputs.map((o) =>
      o.shape[3] === 1
        ? tf.losses.sigmoidCrossEntropy(target, o)
        : tf.losses.softmaxCrossEntropy(target.reshape([-1, o.shape[3]]), o.reshape([-1, o.shape[3]])),
    );
    return tf.addN(terms).div(terms.length) as tf.Scalar;
  });
}

/** Mean over outputs of the MSE between output i and `targets[i]` (raw dense maps, e.g. YOLOX head levels). */
export function denseMseLoss(outputs: tf.Tensor4D[], targets: tf.Tensor4D[]): tf.Scalar {
  return tf.tidy(
    () => tf.addN(outputs.map((o, i) => tf.losses.meanSquaredError(targets[i], o))).div(outputs.length) as tf.Scalar,
  );
}

/** A scalar loss of a forward's outputs. */
export type OutputsLoss = (outputs: tf.Tensor4D[]) => tf.Scalar;

/** One SGD step of `model` on `x`; returns the loss before the step. */
export function sgdStep(model: DenseModel, opt: tf.Optimizer, x: tf.Tensor4D, loss: OutputsLoss): number {
  const l = opt.minimize(() => loss(model.forward(x)), true, model.trainableVariables()) as tf.Scalar;
  const v = l.dataSync()[0];
  l.dispose();
  return v;
}

/** The loss of one forward pass, no step. */
export function evalLoss(model: DenseModel, x: tf.Tensor4D, loss: OutputsLoss): number {
  const l = tf.tidy(() => loss(model.forward(x)));
  const v = l.dataSync()[0];
  l.dispose();
  return v;
}

/**
 * Sets every BatchNorm2d's running statistics to those of the batch `x` (one train-mode forward
 * with momentum 1: running_mean = batch mean, running_var = unbiased batch variance), restores
 * the momenta and leaves the model in eval mode.
 */
export function calibrateBatchNorm(model: DenseModel, x: tf.Tensor4D): void {
  const bns = [...model.modules()].map(([, m]) => m).filter((m): m is BatchNorm2d => m instanceof BatchNorm2d);
  const writable = (bn: BatchNorm2d) => bn as unknown as { momentum: number };
  const momenta = bns.map((bn) => bn.momentum);
  try {
    bns.forEach((bn) => (writable(bn).momentum = 1));
    model.train();
    tf.tidy(() => {
      model.forward(x);
    });
  } finally {
    bns.forEach((bn, i) => (writable(bn).momentum = momenta[i]));
    model.eval();
  }
}

/** The model's buffers (BN running statistics) by dotted name, copied out. */
export function readBuffers(model: DenseModel): Map<string, Float32Array> {
  return new Map(model.namedBuffers().map(([n, v]) => [n, v.dataSync().slice() as Float32Array]));
}

/** Overwrites the model's buffers with `values` (as `readBuffers` gives them; every buffer must be present). */
export function assignBuffers(model: DenseModel, values: Map<string, Float32Array>): void {
  for (const [n, v] of model.namedBuffers()) {
    const data = values.get(n);
    if (!data) throw new Error(`assignBuffers: no value for buffer '${n}'`);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
}
