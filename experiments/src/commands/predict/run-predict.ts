import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError, Rng, UsageError } from '@kd/core';
import { readRgb, writeAtomic, writeGrayPng } from '@kd/data';
import { createModel, isKdModel, loadModel, loadSafetensors, prepareImage, type KdModel } from '@kd/models';
import { encodeNpyFloat32 } from './npy.ts';

export interface PredictArgs {
  model: string;
  weights?: string;
  inputs: string[];
  out: string;
  size: number;
  saveLogits: boolean;
}

const IMAGE_EXT = /\.(jpe?g|png|bmp|webp|tiff?)$/i;

/** Image files named by `--input`: files as given, directories expanded to their images (sorted). */
export function listInputs(inputs: string[]): string[] {
  const files: string[] = [];
  for (const p of inputs) {
    if (!fs.existsSync(p)) throw new UsageError(`--input: '${p}' does not exist`);
    if (fs.statSync(p).isDirectory()) {
      const found = fs.readdirSync(p).filter((f) => IMAGE_EXT.test(f)).sort().map((f) => path.join(p, f));
      if (!found.length) throw new UsageError(`--input: directory '${p}' has no images (${IMAGE_EXT.source})`);
      files.push(...found);
    } else files.push(p);
  }
  return files;
}

/** Builds the model; `--weights` is a .safetensors (official state_dict names) or a saveModel directory / model.json. */
export async function buildModel(name: string, weights?: string): Promise<KdModel> {
  if (weights && (fs.existsSync(path.join(weights, 'model.json')) || weights.endsWith('model.json'))) {
    const m = await loadModel(weights.endsWith('model.json') ? path.dirname(weights) : weights);
    if (m.name !== name) throw new UsageError(`--weights: '${weights}' holds model '${m.name}', not '${name}'`);
    return m;
  }
  const m = createModel(name, { rng: new Rng(1, 'predict'), weights: weights ? 'none' : undefined });
  if (!isKdModel(m)) throw new UsageError(`--model: '${name}' has no preprocessing/postprocessing description; predict needs a kdlab dense model`);
  if (weights) {
    if (!fs.existsSync(weights)) throw new UsageError(`--weights: '${weights}' does not exist`);
    loadSafetensors(m, weights);
  }
  return m;
}

/**
 * Runs `model` on every image: its own preprocessing at size×size, the main output; SOD → σ →
 * bilinear back to the original size (align_corners=True for SCFNet, as its official test
 * script; half-pixel otherwise) → round(255·p) 8-bit PNG; segmentation →
 * logits resized back → argmax label PNG. `--save-logits` adds `<name>.npy`: the raw main
 * output before resizing back, NCHW float32 [1, C, size, size].
 */
export async function runPredict(args: PredictArgs, log: (s: string) => void): Promise<string[]> {
  const model = await buildModel(args.model, args.weights);
  if (args.size % model.inputMultiple) throw new UsageError(`--size: ${args.size} is not a multiple of ${model.inputMultiple}, the total stride of '${model.name}'`);
  const files = listInputs(args.inputs);
  model.eval();
  const written: string[] = [];
  for (const file of files) {
    const img = await readRgb(file);
    const prep = prepareImage(img.data, img.width, img.height, model, args.size);
    const stem = path.join(args.out, path.basename(file).replace(/\.[^.]+$/, ''));
    const { logits, mask } = tf.tidy(() => {
      const out = model.forward(prep.input)[0];
      const alignCorners = model.outputResize === 'align-corners';
      const back = tf.image.resizeBilinear(model.task === 'sod' ? tf.sigmoid(out) : out, [img.height, img.width], alignCorners, !alignCorners);
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
      await writeAtomic(`${stem}.npy`, encodeNpyFloat32(logitData, shape));
      written.push(`${stem}.npy`);
    }
    log(`${file} → ${stem}.png (${img.width}×${img.height})`);
  }
  model.dispose();
  return written;
}
