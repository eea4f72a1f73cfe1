import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@kd/core';
import { assertInputSize, type KdModel } from '../../model.ts';
import { buildGraph, type GraphWeight } from './build-graph.ts';
import { foldBatchNorm } from '../../fold/fold-batch-norm.ts';
import { traceForward } from './trace-forward.ts';

/** tfjs' shard size (4 MiB), as tfjs-converter writes `group1-shardKofN.bin`. */
const SHARD_BYTES = 4 * 1024 * 1024;

/** What the demo page (and any other consumer) needs besides the graph: `userDefinedMetadata.kdlab`. */
export interface ExportMetadata {
  model: string;
  task: KdModel['task'];
  /** Network input [H, W]; the graph's input is [1, H, W, 3] float32, already normalised. */
  inputSize: [number, number];
  /** Per-channel (x − mean)/std on 0–255 RGB after a half-pixel bilinear resize to inputSize. */
  normalization: KdModel['normalization'];
  /** How predictions are resized back to the image ('align-corners' or 'half-pixel'). */
  outputResize: 'align-corners' | 'half-pixel';
  /** Output channels: 1 for SOD (logits; σ gives saliency), K class logits for segmentation. */
  outputChannels: number;
  inputName: string;
  outputName: string;
  [key: string]: unknown;
}

export interface GraphModelArtifacts {
  /** The `model.json` object (weightsManifest paths filled by the writer). */
  modelTopology: { node: object[]; library: object; versions: { producer: number } };
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array;
  metadata: ExportMetadata;
  /** Op name → count in the graph (Const and Placeholder included). */
  ops: Record<string, number>;
}

/**
 * Traces `model`'s eval forward at [1, H, W, 3] and returns a standard TF.js graph model: GraphDef
 * JSON of stock TensorFlow ops only (no kdlab kernels; the main output only) and its weights
 * (float32 parameters, folded constants, int32 shapes). Unless `opts.fold` is false, eval
 * BatchNorms and the activations after them are folded into the convolutions (fold-batch-norm.ts).
 * The model is left in eval mode.
 */
export function graphModelArtifacts(
  model: KdModel,
  inputSize: [number, number],
  extra: Record<string, unknown> = {},
  opts: { fold?: boolean } = {},
): GraphModelArtifacts {
  const shape: [number, number, number, number] = [1, inputSize[0], inputSize[1], 3];
  assertInputSize(model, shape);
  model.eval();
  const names = new Map<number, string>();
  for (const [k, v] of model.stateDict()) names.set(v.id, k);
  const trace = traceForward((x) => model.forward(x)[0], shape, names);
  const graph = buildGraph(opts.fold === false ? trace : foldBatchNorm(trace));
  const outShape = trace.output.kind === 'node' ? trace.nodes[trace.output.index].shape : shape;
  const ops: Record<string, number> = {};
  for (const n of graph.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  const { specs, bytes } = encode(graph.weights);
  return {
    modelTopology: { node: graph.nodes, library: {}, versions: { producer: 1 } },
    weightSpecs: specs,
    weightData: bytes,
    ops,
    metadata: {
      ...extra,
      model: model.name,
      task: model.task,
      inputSize,
      normalization: model.normalization,
      outputResize: model.outputResize ?? 'half-pixel',
      outputChannels: outShape[3],
      inputName: graph.inputName,
      outputName: graph.outputName,
    },
  };
}

function encode(weights: GraphWeight[]): { specs: tf.io.WeightsManifestEntry[]; bytes: Uint8Array } {
  const total = weights.reduce((s, w) => s + w.values.byteLength, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const w of weights) {
    bytes.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), off);
    off += w.values.byteLength;
    specs.push({ name: w.name, shape: w.shape, dtype: w.dtype });
  }
  return { specs, bytes };
}

/** The `model.json` object for `artifacts` with the given shard file names. */
export function graphModelJson(a: GraphModelArtifacts, paths: string[]): object {
  return {
    format: 'graph-model',
    generatedBy: 'kdlab',
    convertedBy: '@kd/models exportGraphModel (traced eval forward)',
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths, weights: a.weightSpecs }],
    userDefinedMetadata: { kdlab: a.metadata },
  };
}

/**
 * Writes `artifacts` to `dir` as `model.json` + `group1-shardKofN.bin` (≤ 4 MiB each), every file
 * atomically, model.json last. Returns the written paths.
 */
export function writeGraphModel(a: GraphModelArtifacts, dir: string): string[] {
  const n = Math.max(1, Math.ceil(a.weightData.length / SHARD_BYTES));
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = `group1-shard${i + 1}of${n}.bin`;
    writeFileAtomic(
      path.join(dir, p),
      a.weightData.subarray(i * SHARD_BYTES, Math.min(a.weightData.length, (i + 1) * SHARD_BYTES)),
    );
    paths.push(p);
  }
  writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(graphModelJson(a, paths)));
  return [...paths.map((p) => path.join(dir, p)), path.join(dir, 'model.json')];
}

/** Loads artifacts with stock `tf.loadGraphModel` (from memory; the same parser a browser uses). */
export async function loadGraphArtifacts(a: GraphModelArtifacts): Promise<tf.GraphModel> {
  const buf = a.weightData.slice().buffer;
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: a.modelTopology,
      weightSpecs: a.weightSpecs,
      weightData: buf,
      userDefinedMetadata: { kdlab: a.metadata },
    }),
  );
}
