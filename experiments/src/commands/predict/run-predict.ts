import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError, Rng, UsageError, encodeNpy, writeFileAtomic } from '@kd/core';
import { readRgb, writeGrayPng } from '@kd/data';
import { InferenceGraph, createModel, loadModel, loadSafetensors, prepareImage, type KdModel } from '@kd/models';
import { planOutputs, type PlannedOutput } from './output-names.ts';
import { listInputs } from './select-inputs.ts';

export interface PredictArgs {
  model: string;
  weights?: string;
  inputs: string[];
  out: string;
  size: number;
  saveLogits: boolean;
  /** Keep the input's extension in the output name (`a.jpg` → `a.jpg.png`). */
  keepExt?: boolean;
  /** `--list FILE` and `--glob PATTERN` filters on folder inputs. */
  list?: string;
  glob?: string;
  /** Run the BN-folded, fused inference graph (@kd/models fold/; default) instead of the eager forward. */
  fold?: boolean;
}

/** Builds the model; `--weights` is a .safetensors (official state_dict names) or a saveModel directory / model.json. */
export async function buildModel(name: string, weights?: string): Promise<KdModel> {
  if (weights && (fs.existsSync(path.join(weights, 'model.json')) || weights.endsWith('model.json'))) {
    const m = await loadModel(weights.endsWith('model.json') ? path.dirname(weights) : weights);
    if (m.name !== name) throw new UsageError(`--weights: '${weights}' holds model '${m.name}', not '${name}'`);
    return m;
  }
  const m = createModel(name, { rng: new Rng(1, 'predict'), weights: weights ? 'none' : undefined });
  if (m.task === 'det' || m.task === 'features') {
    m.dispose();
    throw new UsageError(
      `--model: '${name}' is a ${m.task === 'det' ? 'detector' : 'backbone'}; predict writes saliency or label maps (SOD and segmentation models)`,
    );
  }
  if (weights) {
    if (!fs.existsSync(weights)) throw new UsageError(`--weights: '${weights}' does not exist`);
    loadSafetensors(m, weights);
  }
  return m;
}

/** Inputs and their output stems, validated (filters, collisions) before any model or file exists. */
export function planPredict(args: PredictArgs): PlannedOutput[] {
  return planOutputs(listInputs(args.inputs, { list: args.list, glob: args.glob }), args.out, args.keepExt);
}

/**
 * Runs `model` on every image (names checked first: two inputs never share an output, see
 * planOutputs): its own preprocessing at size×size, the main output; SOD → σ →
 * bilinear back to the original size (align_corners=True for SCFNet, as its official test
 * script; half-pixel otherwise) → round(255·p) 8-bit PNG; segmentation →
 * logits resized back → argmax label PNG. `--save-logits` adds `<name>.npy`: the raw main
 * output before resizing back, NCHW float32 [1, C, size, size].
 */
export async function runPredict(args: PredictArgs, log: (s: string) => void): Promise<string[]> {
  const plan = planPredict(args);
  const model = await buildModel(args.model, args.weights);
  if (args.size % model.inputMultiple) {
    model.dispose();
    throw new UsageError(
      `--size: ${args.size} is not a multiple of ${model.inputMultiple}, the total stride of '${model.name}'`,
    );
  }
  model.eval();
  const graph = args.fold === false ? null : new InferenceGraph(model);
  const forward = (x: tf.Tensor4D): tf.Tensor4D => (graph ? graph.forward(x) : model.forward(x)[0]);
  const written: string[] = [];
  for (const { input: file, stem } of plan) {
    const img = await readRgb(file);
    const prep = prepareImage(img.data, img.width, img.height, model, args.size);
    const { logits, mask } = tf.tidy(() => {
      const out = forward(prep.input);
      const alignCorners = model.outputResize === 'align-corners';
      const back = tf.image.resizeBilinear(
        model.task === 'sod' ? tf.sigmoid(out) : out,
        [img.height, img.width],
        alignCorners,
        !alignCorners,
      );
      const m = model.task === 'sod' ? back.mul(255).round().clipByValue(0, 255) : back.argMax(3);
      return { logits: out.transpose([0, 3, 1, 2]), mask: m };
    });
    prep.input.dispose();
    const maskData = Uint8Array.from(await mask.data());
    const logitData = (await logits.data()) as Float32Array;
    const shape = logits.shape;
    mask.dispose();
    logits.dispose();
    if (maskData.length !== img.width * img.height) throw new DataError('internal: mask size mismatch', file);
    await writeGrayPng(`${stem}.png`, maskData, img.width, img.height);
    written.push(`${stem}.png`);
    if (args.saveLogits) {
      writeFileAtomic(`${stem}.npy`, encodeNpy(logitData, shape));
      written.push(`${stem}.npy`);
    }
    log(`${file} → ${stem}.png (${img.width}×${img.height})`);
  }
  graph?.dispose();
  model.dispose();
  return written;
}
