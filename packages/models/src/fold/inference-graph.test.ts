import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { liveTensors, maxAbsDiff, useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, loadSafetensors, type KdModel } from '../index.ts';
import { sharedWeightsFile } from '../weights-dir.ts';
import { InferenceGraph } from './inference-graph.ts';

/** Realistic BN running statistics (as after training) from a few train-mode forwards (CSNet's ×100 convs overflow otherwise). */
function calibrate(m: KdModel, steps = 5, size = 64): void {
  for (let i = 0; i < steps; i++)
    tf.tidy(() => void m.train().forward(tf.randomNormal([2, size, size, 3], 0, 1, 'float32', i) as tf.Tensor4D));
  m.eval();
}

/**
 * Non-trivial BN folding: every BN gets random γ, β, running mean and a running variance in
 * [0.5, 2], every bias (BN β and conv biases) U(±0.3), every PReLU random slopes (a fresh init has γ=1, β=0, mean 0, var 1: folding would
 * be a no-op there).
 */
function randomizeNorms(m: KdModel, seed: number, stats = true): void {
  const rng = new Rng(seed, 'fold-test');
  for (const [name, v] of [...m.namedParameters(), ...m.namedBuffers()]) {
    const n = v.size;
    let vals: Float32Array | null = null;
    if (!stats && /running_/.test(name)) continue;
    if (/running_var$/.test(name)) vals = rng.fillUniform(new Float32Array(n), 0.5, 2);
    else if (/running_mean$/.test(name)) vals = rng.fillUniform(new Float32Array(n), -0.5, 0.5);
    else if (/(bns?\.\d+|bn|\.1)\.weight$/.test(name) && v.shape.length === 1)
      vals = rng.fillUniform(new Float32Array(n), 0.5, 1.5);
    else if (/bias$/.test(name) && v.shape.length === 1) vals = rng.fillUniform(new Float32Array(n), -0.3, 0.3);
    else if (/prelus?\.(\d+\.)?weight$|prelu\.weight$/.test(name)) vals = rng.fillUniform(new Float32Array(n), 0, 0.5);
    if (vals) v.assign(tf.tensor(vals, v.shape));
  }
}

/** max |graph − eager| / max(1, max |eager|) over one seeded input of [n, size, size, 3]. */
function relDiff(m: KdModel, g: InferenceGraph, n: number, size: number): { diff: number; scale: number } {
  const x = tf.randomNormal([n, size, size, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const want = tf.tidy(() => m.eval().forward(x)[0]);
  const got = g.forward(x);
  const scale = Math.max(
    1,
    tf.tidy(() => tf.max(tf.abs(want)).dataSync()[0]),
  );
  const diff = maxAbsDiff(got, want) / scale;
  tf.dispose([x, want, got]);
  return { diff, scale };
}

describe('InferenceGraph: traced, BN-folded, fused eval forward', () => {
  beforeAll(() => useBackend('wasm'));

  it('SCFNet-MBv3-×0.5: unfolded replay bit-identical; folded every BN, ≤ 1e-5 of the eager forward at b1 and b2', () => {
    const m = createModel('scfnet-mbv3-x0.5', { rng: new Rng(5), weights: 'none' });
    randomizeNorms(m, 1);
    const before = liveTensors();
    const plain = new InferenceGraph(m, { fold: false, fuse: false });
    expect(relDiff(m, plain, 1, 64).diff).toBe(0);
    plain.dispose();
    const g = new InferenceGraph(m);
    const k = g.kernels([1, 64, 64, 3]);
    expect(k.FusedBatchNorm ?? 0).toBe(0);
    // 15 expand + 1 stem + 15 project + 4 mapping + 1 dilated + 9 SCFM CBRs + SE 16 + head 1 = fused convs
    expect(k.FusedConv2D).toBe(62);
    expect(k.FusedDepthwiseConv2D).toBe(15);
    expect(k.Conv2D ?? 0).toBe(0);
    // fuse-elementwise.ts: 19 hard-swish chains (stem + 9 blocks × 2) and 8 SE gates, one kernel each
    expect([k.KdHardSwish, k.KdHardSigmoidGate, k.RealDiv ?? 0, k.ClipByValue ?? 0]).toEqual([19, 8, 0, 0]);
    for (const n of [1, 2]) expect(relDiff(m, g, n, 64).diff).toBeLessThanOrEqual(1e-5);
    g.dispose();
    expect(liveTensors()).toBe(before);
    m.dispose();
  });

  it('CSNet-L-×1: gOctConv sums, dilated concats and ×100 depthwise fold (no BN left), ≤ 1e-5', () => {
    const m = createModel('csnet-l-x1', { rng: new Rng(5), weights: 'none' });
    calibrate(m);
    randomizeNorms(m, 2, false);
    const g = new InferenceGraph(m);
    const k = g.kernels([1, 64, 64, 3]);
    expect(k.FusedBatchNorm ?? 0).toBe(0);
    expect(relDiff(m, g, 1, 64).diff).toBeLessThanOrEqual(1e-5);
    expect(relDiff(m, g, 2, 48).diff).toBeLessThanOrEqual(1e-5);
    g.dispose();
    const plain = new InferenceGraph(m, { fold: false, fuse: false });
    expect(relDiff(m, plain, 1, 64).diff).toBe(0);
    plain.dispose();
    m.dispose();
  });

  it('cpu backend too (list-input Concat, no runtime kernels: the chains stay): CSNet and SCFNet ≤ 1e-5', async () => {
    await useBackend('cpu');
    try {
      for (const name of ['csnet-l-x1', 'scfnet-mbv3-x0.5']) {
        const m = createModel(name, { rng: new Rng(5), weights: 'none' });
        calibrate(m, 2, 32);
        randomizeNorms(m, 3, false);
        const g = new InferenceGraph(m);
        const k = g.kernels([1, 32, 32, 3]);
        expect([k.FusedBatchNorm ?? 0, k.KdHardSwish ?? 0]).toEqual([0, 0]);
        expect(relDiff(m, g, 1, 32).diff).toBeLessThanOrEqual(1e-5);
        g.dispose();
        m.dispose();
      }
    } finally {
      await useBackend('wasm');
    }
  });

  it('real weights (../shared/weights): official CSNet-L-×1 and the ImageNet SCFNet backbone, ≤ 1e-5 at 224²', () => {
    const csFile = sharedWeightsFile('csnet-L-x1.safetensors');
    const mbFile = sharedWeightsFile('mobilenetv3_large_x0_5_imagenet_paddleocr.safetensors');
    if (!fs.existsSync(csFile) || !fs.existsSync(mbFile)) {
      console.log(
        'fold real-weights test skipped: ../shared/weights lacks csnet-L-x1 or the MobileNetV3 ImageNet file',
      );
      return;
    }
    const cs = createModel('csnet-l-x1', { rng: new Rng(5), weights: 'none' });
    loadSafetensors(cs, csFile);
    const gc = new InferenceGraph(cs);
    expect(relDiff(cs, gc, 1, 224).diff).toBeLessThanOrEqual(1e-5);
    gc.dispose();
    cs.dispose();
    const sc = createModel('scfnet-mbv3-x0.5', { rng: new Rng(5), weights: 'imagenet' });
    const gs = new InferenceGraph(sc);
    expect(relDiff(sc, gs, 1, 224).diff).toBeLessThanOrEqual(1e-5);
    gs.dispose();
    sc.dispose();
  });
});
