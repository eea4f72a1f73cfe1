import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, UsageError, encodeNpy, parseNpy, writeFileAtomic, type NpyArray } from '@kd/core';
import { withTaps } from '@kd/nn';
import { npyToNhwc } from '@kd/losses';
import { createModel, listModels, loadWeights } from '@kd/models';

export interface TapsArgs {
  model: string;
  /** A .safetensors: kdlab names, torchvision's (resnet*, mobilenetv2) or Megvii's (yolox-*). */
  weights?: string;
  /** NCHW float32 (or float64) .npy, already normalised, [N,3,H,W]. */
  input: string;
  out: string;
}

export interface TapFile {
  tap: string;
  file: string;
  /** NCHW. */
  shape: number[];
}

/** Checks the flags before anything runs (no backend needed); returns the decoded input. */
export function checkTapsArgs(args: TapsArgs): NpyArray {
  if (!listModels().includes(args.model))
    throw new UsageError(`--model: unknown model '${args.model}'; known: ${listModels().join(', ')}`);
  if (!fs.existsSync(args.input)) throw new UsageError(`--input: '${args.input}' does not exist`);
  if (args.weights && !fs.existsSync(args.weights)) throw new UsageError(`--weights: '${args.weights}' does not exist`);
  const arr = parseNpy(new Uint8Array(fs.readFileSync(args.input)), args.input);
  if (arr.shape.length !== 4 || arr.shape[1] !== 3) {
    throw new UsageError(
      `--input: '${args.input}' must be NCHW [N,3,H,W] float32, got shape (${arr.shape.join(', ')})`,
    );
  }
  return arr;
}

/**
 * Runs `model` in eval mode on the NCHW input and writes every declared tap as NCHW float32
 * `<out>/<tap>.npy` (atomically). The tool to check a weights import against a reference
 * forward (e.g. torchvision's stage outputs). Usage errors name the flag.
 */
export async function runTaps(args: TapsArgs, log: (s: string) => void = () => {}): Promise<TapFile[]> {
  const arr = checkTapsArgs(args);
  const model = createModel(args.model, { rng: new Rng(1, 'taps'), weights: 'none' });
  try {
    if (args.weights) {
      const r = loadWeights(model, args.weights);
      log(
        `loaded ${r.loaded} tensors from ${args.weights}${r.dropped.length ? ` (${r.dropped.length} dropped: classifier, BN counters)` : ''}`,
      );
    }
    model.eval();
    const names = model.taps.map((t) => t.name);
    const x = npyToNhwc(arr, 'nchw', args.input);
    let feats: tf.Tensor4D[];
    try {
      feats = tf.tidy(() => {
        const { taps } = withTaps(model, names)(x);
        return names.map((n) => tf.transpose(taps[n], [0, 3, 1, 2]) as tf.Tensor4D);
      });
    } catch (e) {
      throw new UsageError(`--input: ${(e as Error).message}`);
    } finally {
      x.dispose();
    }
    fs.mkdirSync(args.out, { recursive: true });
    const written: TapFile[] = [];
    for (const [i, t] of feats.entries()) {
      const file = path.join(args.out, `${names[i]}.npy`);
      const data = (await t.data()) as Float32Array;
      writeFileAtomic(file, encodeNpy(data, t.shape));
      written.push({ tap: names[i], file, shape: t.shape });
      log(`${names[i]} [${t.shape.join(',')}] → ${file}`);
    }
    tf.dispose(feats);
    return written;
  } finally {
    model.dispose();
  }
}
