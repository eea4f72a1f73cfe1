import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';

/** Uniform(lo, hi) tensor drawn from `rng`. */
export function uniform(rng: Rng, shape: number[], lo: number, hi: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillUniform(new Float32Array(n), lo, hi), shape);
}

/** Normal(mean, std) tensor drawn from `rng`. */
export function normal(rng: Rng, shape: number[], mean: number, std: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(n), mean, std), shape);
}

/** PyTorch's default conv/linear init, kaiming_uniform(a=√5): U(±1/√fan_in). */
export function kaimingUniformDefault(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return uniform(rng, shape, -bound, bound);
}

/** Kaiming-normal (ReLU gain) with fan-in: N(0, 2/fan_in). */
export function kaimingNormal(rng: Rng, shape: number[], fan: number): tf.Tensor {
  return normal(rng, shape, 0, Math.sqrt(2 / fan));
}
