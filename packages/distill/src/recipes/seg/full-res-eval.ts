import * as tf from '@tensorflow/tfjs';
import { SegEvaluator, perImageIou, type PerImageStat } from '@kd/bench';
import { datasetKind, normalizeInto, openDataset, resolveNormalization } from '@kd/data';
import type { DenseModel } from '@kd/nn';
import type { SegEvaluation } from '../../evaluate-seg.ts';
import { slidingWindows, twoThirds } from './sliding-window.ts';

export interface FullResEvalSpec {
  kind: string;
  root: string;
  split: string;
  numClasses: number;
  /** whole: one forward of the image padded to the input multiple; slide: `window` crops at 2/3 stride, logits averaged. */
  mode: 'whole' | 'slide';
  /** [h, w] of the slide windows (the training crop). */
  window: [number, number];
  /** `--smoke`: the first this many images. */
  limit?: number;
}

/**
 * Logits [1, H, W, K] of a normalised image x [1, H, W, 3] at its own resolution: x is padded
 * bottom/right with zeros (the mean colour after normalisation) to a multiple of `multiple`, run
 * once, and the logits cropped back to H×W.
 */
export function wholeLogits(model: DenseModel, x: tf.Tensor4D, multiple: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const ph = Math.ceil(h / multiple) * multiple - h,
      pw = Math.ceil(w / multiple) * multiple - w;
    const padded =
      ph || pw
        ? tf.pad(x, [
            [0, 0],
            [0, ph],
            [0, pw],
            [0, 0],
          ])
        : x;
    const y = model.forward(padded as tf.Tensor4D)[0];
    return ph || pw ? (tf.slice(y, [0, 0, 0, 0], [1, h, w, -1]) as tf.Tensor4D) : y;
  });
}

/** Sliding-window logits [1, H, W, K] (mmseg `slide_inference`: every window by `wholeLogits`, overlaps averaged). */
export async function slideLogits(
  model: DenseModel,
  x: tf.Tensor4D,
  multiple: number,
  window: [number, number],
  numClasses: number,
): Promise<tf.Tensor4D> {
  const [, h, w] = x.shape;
  const sum = new Float32Array(h * w * numClasses),
    count = new Uint16Array(h * w);
  for (const win of slidingWindows(h, w, window, twoThirds(window))) {
    const y = tf.tidy(() => wholeLogits(model, tf.slice(x, [0, win.y, win.x, 0], [1, win.h, win.w, 3]), multiple));
    const v = await y.data();
    y.dispose();
    for (let r = 0; r < win.h; r++)
      for (let c = 0; c < win.w; c++) {
        const p = (win.y + r) * w + win.x + c,
          q = (r * win.w + c) * numClasses;
        count[p]++;
        for (let k = 0; k < numClasses; k++) sum[p * numClasses + k] += v[q + k];
      }
  }
  for (let p = 0; p < h * w; p++) for (let k = 0; k < numClasses; k++) sum[p * numClasses + k] /= count[p];
  return tf.tensor4d(sum, [1, h, w, numClasses]);
}

/**
 * Scores a segmentation model (eval mode) at the images' own resolution (METHODS §6: Cityscapes
 * 1024×2048, VOC ≤ 500×500): each val image read and normalised unresized, its logits by
 * `wholeLogits` or `slideLogits`, argmax against the labels (255 ignored) into one dataset-level
 * confusion matrix; per-image IoUs as `evaluateSeg`.
 */
export async function evaluateSegFullRes(
  model: DenseModel & { inputMultiple?: number },
  spec: FullResEvalSpec,
): Promise<SegEvaluation> {
  const refs = openDataset(spec.kind, spec.root, spec.split).refs.slice(0, spec.limit);
  const kind = datasetKind(spec.kind);
  const norm = resolveNormalization('imagenet');
  const multiple = model.inputMultiple ?? 32;
  model.eval();
  const ev = new SegEvaluator({ numClasses: spec.numClasses });
  const perImage: PerImageStat = { metric: 'mIoU', reduce: 'miou', names: [], vectors: [] };
  let ms = 0;
  try {
    for (const ref of refs) {
      const s = await kind.load(ref);
      const img = new Float32Array(s.width * s.height * 3);
      normalizeInto(s.image, img, 0, norm);
      const x = tf.tensor4d(img, [1, s.height, s.width, 3]);
      const t0 = performance.now();
      const logits =
        spec.mode === 'slide'
          ? await slideLogits(model, x, multiple, spec.window, spec.numClasses)
          : wholeLogits(model, x, multiple);
      const pred = tf.tidy(() => tf.argMax(logits, 3));
      const values = await pred.data();
      ms += performance.now() - t0;
      tf.dispose([x, logits, pred]);
      ev.add(values, s.label!, s.name);
      perImage.names.push(s.name);
      perImage.vectors.push(perImageIou(values, s.label!, spec.numClasses, ev.ignoreIndex));
    }
  } finally {
    model.train(true);
  }
  return { ...ev.summary(), inferImagesPerSecond: (refs.length / ms) * 1000, perImage };
}
