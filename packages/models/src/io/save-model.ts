import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError, Rng, writeFileAtomic } from '@kd/core';
import type { KdModel } from '../model.ts';
import { createModel } from '../registry.ts';

/** tfjs' shard size (4 MiB), as tfjs-converter writes `group1-shardKofN.bin`. */
const SHARD_BYTES = 4 * 1024 * 1024;
export const MODEL_FORMAT = 'kdlab-dense-model';

/** What `modelTopology` holds: how to rebuild the architecture from the registry. */
export interface SavedTopology {
  name: string;
  buildOptions: Record<string, unknown>;
  task: KdModel['task'];
  taps: KdModel['taps'];
  normalization: KdModel['normalization'];
  /** Names of trainable tensors (the rest are BN running statistics). */
  trainable: string[];
}

/**
 * Saves one model (a student; nothing else) as tfjs `model.json` + `group1-shardKofN.bin`:
 * weights encoded with `tf.io.encodeWeights` (float32, state-dict names), `modelTopology`
 * holding the registry name and build options (so `loadModel` rebuilds it), shards ≤ 4 MiB.
 * Every file is written atomically; model.json last.
 */
export async function saveModel(model: KdModel, dir: string): Promise<void> {
  const state = model.stateDict();
  const named: tf.NamedTensorMap = {};
  for (const [k, v] of state) named[k] = v;
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = new Uint8Array(data as ArrayBuffer);
  const n = Math.max(1, Math.ceil(bytes.length / SHARD_BYTES));
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = `group1-shard${i + 1}of${n}.bin`;
    writeFileAtomic(path.join(dir, p), bytes.subarray(i * SHARD_BYTES, Math.min(bytes.length, (i + 1) * SHARD_BYTES)));
    paths.push(p);
  }
  const topology: SavedTopology = {
    name: model.name,
    buildOptions: model.buildOptions,
    task: model.task,
    taps: [...model.taps],
    normalization: model.normalization,
    trainable: model.namedParameters().map(([k]) => k),
  };
  const json = {
    format: MODEL_FORMAT,
    generatedBy: '@kd/models saveModel',
    convertedBy: null,
    modelTopology: { kdlab: topology },
    weightsManifest: [{ paths, weights: specs }],
  };
  writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json, null, 1));
}

/**
 * Loads a directory written by `saveModel`: rebuilds the architecture by registry name (weights
 * options off), then assigns every tensor. A missing shard, a short shard or any tensor the
 * architecture lacks (or lacks from the file) is one DataError naming the file and the tensors.
 */
export async function loadModel(dir: string): Promise<KdModel> {
  const file = path.join(dir, 'model.json');
  let json: {
    format?: string;
    modelTopology?: { kdlab?: SavedTopology };
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(`cannot read a saved model (${(e as Error).message})`, file);
  }
  const topo = json.modelTopology?.kdlab;
  if (json.format !== MODEL_FORMAT || !topo || !json.weightsManifest)
    throw new DataError(`not a kdlab model.json (format '${json.format}')`, file);
  const chunks: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      const shard = path.join(dir, p);
      if (!fs.existsSync(shard)) throw new DataError('weight shard listed in model.json is missing', shard);
      chunks.push(fs.readFileSync(shard));
    }
    specs.push(...group.weights);
  }
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const need = specs.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (total !== need) throw new DataError(`weight shards hold ${total} bytes, the manifest needs ${need}`, file);
  const buf = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    buf.set(c, off);
    off += c.length;
  }
  const model = createModel(topo.name, { rng: new Rng(1, 'loadModel'), ...topo.buildOptions, weights: 'none' });
  const decoded = tf.io.decodeWeights(buf.buffer, specs);
  try {
    const state = model.stateDict();
    const missing = [...state.keys()].filter((k) => !(k in decoded));
    const extra = Object.keys(decoded).filter((k) => !state.has(k));
    const bad = Object.entries(decoded)
      .filter(([k, t]) => state.has(k) && state.get(k)!.shape.join(',') !== t.shape.join(','))
      .map(([k, t]) => `${k}: file [${t.shape}] vs model [${state.get(k)!.shape}]`);
    if (missing.length || extra.length || bad.length) {
      model.dispose();
      throw new DataError(
        `does not match '${topo.name}': missing [${missing.join(', ')}], extra [${extra.join(', ')}], wrong shape [${bad.join('; ')}]`,
        file,
      );
    }
    for (const [k, v] of state) v.assign(decoded[k]);
  } finally {
    for (const t of Object.values(decoded)) t.dispose();
  }
  return model;
}
