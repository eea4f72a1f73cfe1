import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TensorBoardWriter } from '@kd/bench';
import { colorizeLabels, encodeRgbPng } from '@kd/data';
import type { DenseModel } from '@kd/nn';
import type { RunContext } from '@kd/core';
import { loaderSource, type BatchSource } from '../trainer/step-source.ts';
import { disposeTrainBatch } from '../trainer/train-batch.ts';

/** [N,H,W,3] normalised floats back to 8-bit RGB (the models' mean/std are on the 0–255 scale). */
function toRgb(x: Float32Array, mean: readonly number[], std: readonly number[]): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(x[i] * std[i % 3] + mean[i % 3])));
  return out;
}

const gray = (v: ArrayLike<number>) => {
  const o = new Uint8Array(v.length * 3);
  for (let i = 0; i < v.length; i++)
    o[3 * i] = o[3 * i + 1] = o[3 * i + 2] = Math.max(0, Math.min(255, Math.round(255 * v[i])));
  return o;
};

/**
 * The qualitative grid of an evaluation: the first `n` images of the eval loader, one row each —
 * SOD: image | ground truth | σ(prediction); segmentation: image | ground truth | prediction in
 * the Cityscapes colours. Returns [H·n, 3W, 3] RGB.
 */
export async function evalGrid(
  model: DenseModel,
  loader: BatchSource,
  task: 'sod' | 'seg',
  n = 4,
): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const it = loaderSource(loader).batches({ epoch: 0, step: 0 }, 1);
  const first = await it.next();
  await it.return(undefined);
  if (first.done) throw new Error('evalGrid: the evaluation loader yields no batch');
  const b = first.value;
  const [N, H, W] = [Math.min(n, b.size), b.imageSize[0], b.imageSize[1]];
  model.eval();
  const pred = tf.tidy(() => {
    const out = model.forward(b.x.slice([0, 0, 0, 0], [N, H, W, 3]))[0];
    const full = out.shape[1] === H && out.shape[2] === W ? out : tf.image.resizeBilinear(out, [H, W]);
    return task === 'sod' ? tf.sigmoid(full) : tf.argMax(full, -1);
  });
  const p = await pred.data();
  const x = (await b.x.data()) as Float32Array;
  const truth = task === 'sod' ? await b.mask!.data() : await b.label!.data();
  pred.dispose();
  disposeTrainBatch(b);
  const norm = model.normalization;
  const px = H * W;
  const rgb = new Uint8Array(N * H * 3 * W * 3);
  for (let i = 0; i < N; i++) {
    const image = toRgb(x.subarray(i * px * 3, (i + 1) * px * 3), norm.mean, norm.std);
    const gt =
      task === 'sod'
        ? gray(truth.subarray(i * px, (i + 1) * px))
        : colorizeLabels(truth.subarray(i * px, (i + 1) * px));
    const pr =
      task === 'sod' ? gray(p.subarray(i * px, (i + 1) * px)) : colorizeLabels(p.subarray(i * px, (i + 1) * px));
    [image, gt, pr].forEach((cell, c) => {
      for (let y = 0; y < H; y++) rgb.set(cell.subarray(y * W * 3, (y + 1) * W * 3), ((i * H + y) * 3 * W + c * W) * 3);
    });
  }
  return { rgb, width: 3 * W, height: N * H };
}

/** Writes the evaluation grid as the image `eval/grid` at `step` into the run's TensorBoard folder for `stage`. */
export async function recordEvalGrid(
  run: RunContext,
  stage: string,
  step: number,
  model: DenseModel,
  loader: BatchSource,
  task: 'sod' | 'seg',
): Promise<void> {
  const g = await evalGrid(model, loader, task);
  const w = new TensorBoardWriter(path.join(run.runDir, 'tensorboard', stage));
  w.addImage('eval/grid', await encodeRgbPng(g.rgb, g.width, g.height), g.height, g.width, step);
  w.close();
}
