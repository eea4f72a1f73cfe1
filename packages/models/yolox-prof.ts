import * as tf from '@tensorflow/tfjs';
import { Rng, initBackend } from '@kd/core';
import { createModel, Yolox } from './src/index.ts';
await initBackend({ backend: process.env.B ?? 'wasm', threads: process.env.T ?? 1 });
const N = 8, S = 96;
const m = createModel(`yolox-nano`, { rng: new Rng(1), numClasses: 2, width: 0.125, depthwise: false }) as Yolox;
console.log('vars', m.trainableVariables().length);
const x = tf.randomNormal([N, S, S, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
const targets = Array.from({ length: N }, (_, i) => ({ boxes: [10 + i, 20, 60 + i, 90, 50, 50, 90, 90], classes: [0, 1] }));
for (const optName of ['adam', 'sgdm']) {
const opt = optName === 'adam' ? tf.train.adam(1e-3) : tf.train.momentum(0.01, 0.9, true);
for (let it = 0; it < 5; it++) {
  const t0 = performance.now();
  let parts: any;
  const { value, grads } = tf.variableGrads(() => { parts = m.loss(m.forward(x), targets); return parts.total; }, m.trainableVariables());
  value.dataSync();
  const t1 = performance.now();
  opt.applyGradients(grads);
  tf.tidy(() => tf.add(m.trainableVariables()[0], 0).dataSync());
  const t2 = performance.now();
  tf.dispose([value, parts.iou, parts.obj, parts.cls, ...Object.values(grads)]);
  if (it >= 2) console.log(optName, 'grad ms', (t1 - t0).toFixed(0), 'apply ms', (t2 - t1).toFixed(0));
}
}
