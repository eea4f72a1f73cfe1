import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { maxAbsDiff, useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, loadSafetensors, type KdModel } from '../../index.ts';
import { sharedWeightsFile } from '../../weights-dir.ts';
import { buildGraph } from './build-graph.ts';
import { graphModelArtifacts, writeGraphModel } from './export-graph-model.ts';
import { traceForward } from './trace-forward.ts';

/** Stock TensorFlow ops tfjs-converter executes; the exported graphs must use nothing else. */
const STOCK = new Set([
  'Placeholder',
  'Const',
  'Identity',
  'Conv2D',
  '_FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2dNative',
  'FusedBatchNorm',
  'Reshape',
  'AddV2',
  'Mul',
  'RealDiv',
  'Relu',
  'Relu6',
  'Prelu',
  'Mean',
  'ClipByValue',
  'ResizeBilinear',
  'MaxPool',
  'AvgPool',
  'ConcatV2',
  'Cast',
]);

/** Realistic BN running statistics (as after training) from a few train-mode forwards; a fresh init's eval outputs reach 1e3–1e7. */
function calibrate(m: KdModel, steps = 5): void {
  for (let i = 0; i < steps; i++)
    tf.tidy(() => void m.train().forward(tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', i) as tf.Tensor4D));
  m.eval();
}

/** Loads a written export the way a browser does (model.json + shards) but from disk, with stock tf.loadGraphModel. */
async function loadFromDir(dir: string): Promise<{ g: tf.GraphModel; json: any }> {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const shards = json.weightsManifest[0].paths.map((p: string) => fs.readFileSync(path.join(dir, p)));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const g = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
  return { g, json };
}

async function roundTrip(m: KdModel, size: number, fold = true) {
  const before = tf.memory().numTensors;
  const a = graphModelArtifacts(m, [size, size], {}, { fold });
  expect(tf.memory().numTensors).toBe(before);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-graph-'));
  writeGraphModel(a, dir);
  const { g, json } = await loadFromDir(dir);
  const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
  const got = g.predict(x) as tf.Tensor;
  const want = tf.tidy(() => m.eval().forward(x)[0]);
  const diff = maxAbsDiff(got, want);
  const shape = got.shape;
  const ops = [...new Set(json.modelTopology.node.map((n: { op: string }) => n.op))] as string[];
  tf.dispose([x, got, want]);
  g.dispose();
  fs.rmSync(dir, { recursive: true });
  return { diff, shape, ops, json, a };
}

describe('graph-model export (stock tf.loadGraphModel)', () => {
  beforeAll(() => useBackend('wasm'));

  it('SCFNet-×0.5 unfolded: bit-identical to our forward, stock ops only, metadata in userDefinedMetadata', async () => {
    const m = createModel('scfnet-mbv3-x0.5', { rng: new Rng(5), weights: 'none' });
    const { diff, shape, ops, json, a } = await roundTrip(m, 96, false);
    expect(diff).toBe(0);
    expect(shape).toEqual([1, 96, 96, 1]);
    expect(ops.filter((o) => !STOCK.has(o))).toEqual([]);
    expect(json.format).toBe('graph-model');
    expect(json.userDefinedMetadata.kdlab).toEqual({
      model: 'scfnet-mbv3-x0.5',
      task: 'sod',
      inputSize: [96, 96],
      normalization: m.normalization,
      outputResize: 'align-corners',
      outputChannels: 1,
      inputName: 'input',
      outputName: 'output',
    });
    // Every parameter and BN statistic the main output uses is a Const of the same state-dict name.
    const state = m.stateDict();
    const named = a.weightSpecs.filter((w) => state.has(w.name));
    for (const w of named) expect(w.shape, w.name).toEqual(state.get(w.name)!.shape);
    expect([named.length, state.size]).toEqual([348, 354]); // the 6 dropped tensors belong to side-output heads
    expect(a.ops).toEqual({
      Placeholder: 1,
      Const: 435,
      Conv2D: 32,
      FusedBatchNorm: 60,
      AddV2: 47,
      Relu6: 19,
      Mul: 41,
      RealDiv: 19,
      Relu: 26,
      DepthwiseConv2dNative: 15,
      Mean: 8,
      _FusedConv2D: 30,
      ClipByValue: 8,
      ResizeBilinear: 9,
      Identity: 1,
    });
    // The exporter drops the side outputs: one sink, the Identity named output.
    expect(
      json.modelTopology.node
        .filter((n: { op: string }) => n.op === 'Placeholder')
        .map((n: { name: string }) => n.name),
    ).toEqual(['input']);
    // BN folded (the default): BN and its activation disappear into the convolutions.
    calibrate(m);
    const folded = await roundTrip(m, 96);
    expect(folded.diff).toBeLessThanOrEqual(1e-4);
    expect(folded.ops.filter((o) => !STOCK.has(o))).toEqual([]);
    expect(folded.a.ops).toEqual({
      Placeholder: 1,
      Const: 241,
      _FusedConv2D: 62,
      FusedDepthwiseConv2dNative: 15,
      AddV2: 46,
      Relu6: 19,
      Mul: 41,
      RealDiv: 19,
      Mean: 8,
      ClipByValue: 8,
      ResizeBilinear: 9,
      Identity: 1,
    });
    m.dispose();
  });

  it('CSNet-L-×1 (official weights when ../shared has them) matches our forward', async () => {
    const m = createModel('csnet-l-x1', { rng: new Rng(5), weights: 'none' });
    const file = sharedWeightsFile('csnet-L-x1.safetensors');
    const official = fs.existsSync(file);
    if (official) loadSafetensors(m, file);
    else {
      console.log(
        'csnet-l-x1: ../shared/weights/csnet-L-x1.safetensors absent; random init, BN statistics from train-mode forwards',
      );
      calibrate(m);
    }
    const size = official ? 224 : 64;
    const { diff, shape, ops, a } = await roundTrip(m, size);
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(shape).toEqual([1, size, size, 1]);
    expect(ops.filter((o) => !STOCK.has(o))).toEqual([]);
    // All 106 BNs fold (fold/fold-batch-norm.ts): 72 after a single convolution take their PReLU too; the
    // 34 after a gOctConv sum or a dilated-conv concat keep a separate PReLU.
    expect([a.ops.FusedBatchNorm, a.ops.Prelu, a.ops.FusedDepthwiseConv2dNative]).toEqual([undefined, 34, 66]);
    expect((await roundTrip(m, size, false)).diff).toBe(0);
    m.dispose();
  });

  it('FCN-MobileNetV2 (segmentation student, 21 classes) matches our forward', async () => {
    const m = createModel('fcn-mbv2-os16', { rng: new Rng(5), numClasses: 21 });
    calibrate(m);
    const { diff, shape, ops, json } = await roundTrip(m, 64);
    expect(ops.sort()).toEqual([
      'AddV2',
      'Const',
      'FusedDepthwiseConv2dNative',
      'Identity',
      'Placeholder',
      'ResizeBilinear',
      '_FusedConv2D',
    ]);
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(shape).toEqual([1, 64, 64, 21]);
    expect(ops.filter((o) => !STOCK.has(o))).toEqual([]);
    expect(json.userDefinedMetadata.kdlab.task).toBe('seg');
    expect(json.userDefinedMetadata.kdlab.outputChannels).toBe(21);
    m.dispose();
  });

  it('folds input-independent kernels into constants and keeps only what the output needs', () => {
    const trace = traceForward(
      (x) => {
        void x.mul(5); // unused branch: pruned
        return x.add(tf.fill([3], 2).mul(3)) as tf.Tensor4D;
      },
      [1, 2, 2, 3],
      new Map(),
    );
    const g = buildGraph(trace);
    expect(g.nodes.map((n) => n.op)).toEqual(['Placeholder', 'Const', 'AddV2', 'Identity']);
    expect(Array.from(g.weights[0].values)).toEqual([6, 6, 6]);
  });

  it('names an unmapped kernel instead of writing a graph tfjs cannot run', () => {
    const trace = traceForward((x) => tf.cumsum(x, 1) as tf.Tensor4D, [1, 2, 2, 3], new Map());
    expect(() => buildGraph(trace)).toThrow(/kernel 'Cumsum' has no TensorFlow op mapping/);
  });
});
