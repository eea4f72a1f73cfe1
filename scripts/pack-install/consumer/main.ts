// A consumer of the packed @kd/core, @kd/runtime, @kd/nn, @kd/losses and @kd/models tarballs, compiled with the
// `tsc --init` defaults (NodeNext) and run with plain node. `inputs.ts` is written by the test
// from packages/losses/src/goldens/baselines.json. Prints one JSON line.
import * as tf from '@tensorflow/tfjs';
import { createRng } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { withTaps } from '@kd/nn';
import { channelWiseDistillation } from '@kd/losses';
import { createModel } from '@kd/models';
import { student, teacher } from './inputs.js';

/** Never called: it only compiles if the packages' .d.ts types resolved (with `any` the directives would be unused). */
export function typesResolved(a: tf.Tensor4D): void {
  // @ts-expect-error T is a number
  channelWiseDistillation(a, a, { T: 'hot' });
  // @ts-expect-error a model needs a seeded rng
  createModel('tinysod-s', {});
}

// Threaded wasm: a pthread worker script from tfjs-backend-wasm, and kdlab's gradient kernels
// compiled from dist/wasm-kernels/kernels-shared.wasm onto the shared heap.
const backend = await initBackend({ backend: 'wasm', threads: 2, quiet: true });

// One loss on two tensors [2,5,7,4] (NHWC).
const loss = tf.tidy(() => channelWiseDistillation(tf.tensor4d(student), tf.tensor4d(teacher), { T: 4 }).dataSync()[0]);

// One model with its taps, and a gradient through it.
const model = createModel('tinysod-s', { rng: createRng(0) });
const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
const { outputs, taps } = withTaps(model, ['s2', 's4'])(x);
const grad = tf
  .grad((v: tf.Tensor) => tf.mean(model.forward(v as tf.Tensor4D)[0]!) as tf.Scalar)(x)
  .dataSync();

console.log(
  JSON.stringify({
    backend: backend.label,
    loss,
    output: outputs[0]!.shape,
    taps: Object.fromEntries(Object.entries(taps).map(([k, t]) => [k, t.shape])),
    gradFinite: grad.every(Number.isFinite),
    gradNonZero: grad.some((v) => v !== 0),
  }),
);
