import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UsageError } from '@kd/core';
import { graphModelArtifacts, loadGraphArtifacts, loadModel, writeGraphModel, type KdModel } from '@kd/models';
import { buildModel } from '../predict/run-predict.ts';

export interface ExportArgs {
  /** A saveModel folder (resolved from --run), or null to build `model` from `weights`. */
  runDir: string | null;
  model?: string;
  weights?: string;
  out: string;
  /** Square input side; default the model's own default input size. */
  size?: number;
  /** Fold eval BatchNorms and their activations into the convolutions (default true). */
  fold?: boolean;
}

export interface ExportResult {
  files: string[];
  model: string;
  size: number;
  /** Max |exported graph − our forward| on a seeded random input (stock tf.loadGraphModel). */
  maxAbsDiff: number;
  /** Max |our forward| on that input (the self-check allows EXPORT_TOLERANCE · max(1, this)). */
  maxAbsOutput: number;
  ops: Record<string, number>;
  weightBytes: number;
}

/**
 * Largest difference the self-check accepts between the exported graph and our forward, relative
 * to the output's scale: max|graph − model| ≤ 1e-4 · max(1, max|model|). Unfolded graphs run the
 * same kernels (difference 0); BN folding changes float32 rounding only.
 */
export const EXPORT_TOLERANCE = 1e-4;

/**
 * Builds the model (a run's saved student, or `--model` with `--weights`; without weights a
 * seeded random init, as `predict`), traces it into a standard TF.js graph model (BatchNorm
 * folded unless `fold` is false), checks the graph loaded by stock `tf.loadGraphModel` against
 * our forward (see EXPORT_TOLERANCE; else an error and nothing written) and writes model.json +
 * shards to `out`.
 */
export async function runExport(args: ExportArgs, log: (s: string) => void): Promise<ExportResult> {
  let model: KdModel;
  if (args.runDir) {
    model = await loadModel(args.runDir);
    if (args.model && args.model !== model.name)
      throw new UsageError(`--model: the run holds '${model.name}', not '${args.model}'`);
  } else {
    if (!args.model) throw new UsageError('export: pass --run DIR|HASH, or --model NAME (with --weights FILE)');
    if (!args.weights) log(`no --weights: '${args.model}' with its seeded random init (for testing the pipeline only)`);
    model = await buildModel(args.model, args.weights);
  }
  try {
    if (model.task === 'det')
      throw new UsageError(`--model: '${model.name}' is a detector; export supports SOD and segmentation models`);
    const size = args.size ?? model.defaultInputSize;
    if (size % model.inputMultiple)
      throw new UsageError(
        `--size: ${size} is not a multiple of ${model.inputMultiple}, the total stride of '${model.name}'`,
      );
    const source = args.runDir ?? (args.weights ? path.basename(args.weights) : 'random-init');
    const artifacts = graphModelArtifacts(model, [size, size], { source }, { fold: args.fold ?? true });
    const graph = await loadGraphArtifacts(artifacts);
    const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const [diff, scale] = tf.tidy(() => {
      const want = model.forward(x)[0];
      return [
        tf.max(tf.abs(tf.sub(graph.predict(x) as tf.Tensor, want))).dataSync()[0],
        tf.max(tf.abs(want)).dataSync()[0],
      ];
    });
    x.dispose();
    graph.dispose();
    const limit = EXPORT_TOLERANCE * Math.max(1, scale);
    if (!(diff <= limit))
      throw new Error(
        `export: the graph model differs from '${model.name}' by ${diff} (> ${limit.toExponential(1)} = 1e-4 · max|output| ${scale.toExponential(1)}); nothing written`,
      );
    const files = writeGraphModel(artifacts, args.out);
    const nOps = Object.entries(artifacts.ops)
      .filter(([op]) => op !== 'Const')
      .reduce((s, [, n]) => s + n, 0);
    log(
      `${model.name} @ ${size}×${size} → ${args.out}: ${nOps} ops${args.fold === false ? '' : ' (BN folded)'}, ${(artifacts.weightData.length / 1e6).toFixed(2)} MB weights, max |graph − model| = ${diff.toExponential(1)} (max |output| ${scale.toFixed(1)})`,
    );
    return {
      files,
      model: model.name,
      size,
      maxAbsDiff: diff,
      maxAbsOutput: scale,
      ops: artifacts.ops,
      weightBytes: artifacts.weightData.length,
    };
  } finally {
    model.dispose();
  }
}
