import * as tf from '@tensorflow/tfjs';
import type { Box } from '@kd/core';
import type { Priors } from './priors.ts';

/**
 * Concatenates the per-level head maps [N,H_l,W_l,5+K] into [N,A,5+K] in prior order
 * (levels in order, cells row-major). Channels: [dx, dy, log w, log h, obj, cls_1..cls_K].
 */
export function flattenLevels(outputs: readonly tf.Tensor4D[]): tf.Tensor3D {
  return tf.tidy(() => {
    const n = outputs[0].shape[0],
      c = outputs[0].shape[3];
    return tf.concat(
      outputs.map((o) => tf.reshape(o, [n, o.shape[1] * o.shape[2], c])),
      1,
    ) as tf.Tensor3D;
  });
}

/** Largest log-size the decoder lets through: exp(10)·stride is far beyond any image (guards exp overflow early in training). */
export const MAX_LOG_WH = 10;

/**
 * Decodes raw box channels to pixel boxes (YOLOX / mmdet `_bbox_decode`), differentiable:
 *   cx = (dx + gx)·s,  cy = (dy + gy)·s,  w = exp(min(log w, 10))·s,  h = exp(min(log h, 10))·s
 * and returns corners [x1, y1, x2, y2] = [cx − w/2, cy − h/2, cx + w/2, cy + h/2].
 * raw [N,A,≥4] (first four channels used) → [N,A,4].
 */
export function decodeBoxes(raw: tf.Tensor3D, priors: Priors): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, a] = raw.shape;
    if (a !== priors.count)
      throw new Error(`decodeBoxes: ${a} predictions but ${priors.count} priors (input size mismatch?)`);
    const grid = tf.tensor3d(interleave(priors.gridX, priors.gridY), [1, a, 2]);
    const stride = tf.tensor3d(priors.stride, [1, a, 1]);
    const xy = tf.mul(tf.add(tf.slice(raw, [0, 0, 0], [n, a, 2]), grid), stride);
    const wh = tf.mul(tf.exp(tf.minimum(tf.slice(raw, [0, 0, 2], [n, a, 2]), MAX_LOG_WH)), stride);
    const half = tf.div(wh, 2);
    return tf.concat([tf.sub(xy, half), tf.add(xy, half)], 2) as tf.Tensor3D;
  });
}

/**
 * The inverse of `decodeBoxes` for one prior k: the raw (dx, dy, log w, log h) that decode to
 * the box [x1, y1, x2, y2] (w, h > 0). Used by tests and by anyone building targets by hand.
 */
export function encodeBox(box: Readonly<Box>, priors: Priors, k: number): Box {
  const s = priors.stride[k];
  const [x1, y1, x2, y2] = box;
  return [
    (x1 + x2) / 2 / s - priors.gridX[k],
    (y1 + y2) / 2 / s - priors.gridY[k],
    Math.log((x2 - x1) / s),
    Math.log((y2 - y1) / s),
  ];
}

function interleave(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length * 2);
  for (let i = 0; i < a.length; i++) {
    out[2 * i] = a[i];
    out[2 * i + 1] = b[i];
  }
  return out;
}
