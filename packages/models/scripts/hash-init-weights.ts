/**
 * Prints a SHA-256 of the initial weights (parameters and buffers, names, shapes, values) of every
 * registered model built with a fixed seed — used to check that a refactor draws random numbers in
 * the same order. Usage: `npx tsx packages/models/scripts/hash-init-weights.ts [seed]`.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { createModel, listModels } from '../src/index.ts';

const seed = Number(process.argv[2] ?? 1);
await tf.setBackend('cpu');
/** A second build per family with non-default options, so the option paths are covered too. */
const SMALL: Record<string, Record<string, unknown>> = {
  fcn: { numClasses: 7, width: 0.25 },
  deeplabv3plus: { numClasses: 7, width: 0.25, outputStride: 8 },
  yolox: { numClasses: 2, width: 0.125, depth: 0.33, depthwise: false },
  'scfnet-r50': { backboneWidth: 0.25, channels: 16 },
  resnet: { width: 0.25 },
  mobilenetv2: { width: 0.5 },
};
const builds: [string, Record<string, unknown>][] = listModels().map((n) => [n, {}]);
for (const n of listModels()) {
  const k = Object.keys(SMALL).find((p) => n.startsWith(p));
  if (k) builds.push([n, SMALL[k]]);
}
for (const [name, extra] of builds) {
  const m = createModel(name, { rng: new Rng(seed), weights: 'none', ...extra });
  const h = createHash('sha256');
  for (const [k, v] of [...m.namedParameters(), ...m.namedBuffers()]) {
    h.update(`${k}:${v.shape.join('x')};`);
    const d = v.dataSync() as Float32Array;
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  console.log(
    `${name}${Object.keys(extra).length ? ' ' + JSON.stringify(extra) : ''}\t${m.countParams()}\t${h.digest('hex').slice(0, 16)}`,
  );
  m.dispose();
}
