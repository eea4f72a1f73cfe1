import * as tf from '@tensorflow/tfjs';
import { Rng, initBackend } from '@kd/core';
import { createModel, countModel, Yolox } from './src/index.ts';
await initBackend({ backend: process.env.B ?? 'wasm', threads: process.env.T ?? 1 });
const N = 8;
for (const cfg of (process.env.C ?? '0.125:0:128,0.25:0:128,0.125:0:96,0.25:1:128').split(',')) {
  const [width, dw, S] = cfg.split(':').map(Number);
  const m = createModel(`yolox-nano`, { rng: new Rng(1), numClasses: 2, width, depthwise: dw === 1 }) as Yolox;
  const c = countModel(m, [S, S]);
  const x = tf.randomNormal([N, S, S, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const targets = Array.from({ length: N }, (_, i) => ({ boxes: [10 + i, 20, 60 + i, 90, 50, 50, 90, 90], classes: [0, 1] }));
  const opt = tf.train.adam(1e-3);
  const times: number[] = [];
  for (let it = 0; it < 5; it++) {
    const t0 = performance.now();
    let parts: any;
    const l = opt.minimize(() => { parts = m.loss(m.forward(x), targets); return parts.total; }, true, m.trainableVariables())!;
    l.dataSync();
    tf.dispose([l, parts.iou, parts.obj, parts.cls]);
    times.push(performance.now() - t0);
  }
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) tf.tidy(() => m.forward(x)[0].dataSync());
  const fwd = (performance.now() - t0) / 3;
  console.log(cfg, 'params', m.countParams(), 'MMACs', (c.macs / 1e6).toFixed(1), 'train ms', times.slice(2).map((t) => t.toFixed(0)).join(' '), 'fwd(train-mode) ms', fwd.toFixed(0));
  m.dispose();
}
