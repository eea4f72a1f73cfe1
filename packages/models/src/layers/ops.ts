import * as tf from '@tensorflow/tfjs';
import { avgPoolK, maxPoolK, resizeBilinear } from '@kd/runtime';
import { countingOps, reportOp } from '@kd/nn';

/**
 * The non-conv ops our models use, each reporting itself to core's `countOps` so MAC/FLOP
 * counts come from a real forward. All maps are NHWC. Conventions (core op-counter): bilinear
 * resize 4 MACs per output value, pooling k·k per output value, elementwise 1 FLOP per output.
 */

/** Bilinear resize [N,H,W,C] → [N,h,w,C]; half-pixel centres unless `alignCorners` (core's exact-gradient op). */
export function upsample(x: tf.Tensor4D, size: [number, number], alignCorners = false): tf.Tensor4D {
  const y = resizeBilinear(x, size, alignCorners);
  if (countingOps() && (size[0] !== x.shape[1] || size[1] !== x.shape[2])) {
    reportOp({ kind: 'resize', name: 'bilinear', macs: 4 * y.size, flops: 0, outShape: y.shape });
  }
  return y;
}

/** a + b (same shape or broadcast), counted as elementwise. */
export function add(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  const y = tf.add(a, b) as tf.Tensor4D;
  if (countingOps()) reportOp({ kind: 'elementwise', name: 'add', macs: 0, flops: y.size, outShape: y.shape });
  return y;
}

/** a ⊙ b (broadcasting, e.g. SE's [N,1,1,C] gate), counted as elementwise. */
export function mul(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  const y = tf.mul(a, b) as tf.Tensor4D;
  if (countingOps()) reportOp({ kind: 'elementwise', name: 'mul', macs: 0, flops: y.size, outShape: y.shape });
  return y;
}

/** k×k / stride-k average pool, no padding (PyTorch `avg_pool2d(x, k, k)`, floor). */
export function avgPool(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const y = avgPoolK(x, k); // tf.avgPool(x, k, k, 'valid'), with a direct backward kernel on wasm
  if (countingOps()) reportOp({ kind: 'pool', name: `avgpool${k}`, macs: k * k * y.size, flops: 0, outShape: y.shape });
  return y;
}

/** k×k max pool with stride `stride` and symmetric zero-free padding `pad` (PyTorch semantics: padded cells never win). */
export function maxPool(x: tf.Tensor4D, k: number, stride = k, pad = 0): tf.Tensor4D {
  const y = tf.tidy(() => {
    // non-overlapping windows: tf.maxPool with a direct backward kernel on wasm (core maxPoolK)
    if (pad === 0 && stride === k) return maxPoolK(x, k);
    // -Infinity padding reproduces PyTorch's max_pool2d(padding=p); tfjs 'same' pads asymmetrically.
    const xp =
      pad > 0
        ? tf.pad(
            x,
            [
              [0, 0],
              [pad, pad],
              [pad, pad],
              [0, 0],
            ],
            -3.4e38,
          )
        : x;
    return tf.maxPool(xp as tf.Tensor4D, k, stride, 'valid');
  });
  if (countingOps()) reportOp({ kind: 'pool', name: `maxpool${k}`, macs: k * k * y.size, flops: 0, outShape: y.shape });
  return y;
}

/** Global average pool [N,H,W,C] → [N,1,1,C]. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor4D {
  const y = tf.mean(x, [1, 2], true) as tf.Tensor4D;
  if (countingOps()) reportOp({ kind: 'pool', name: 'gap', macs: x.size, flops: 0, outShape: y.shape });
  return y;
}

/** Concatenation along channels (no arithmetic; not reported). */
export function concatChannels(xs: tf.Tensor4D[]): tf.Tensor4D {
  return xs.length === 1 ? xs[0] : (tf.concat(xs, 3) as tf.Tensor4D);
}
