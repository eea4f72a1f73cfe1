import * as tf from '@tensorflow/tfjs';
import { hasKernel, trainKernelsUsable } from '../wasm-grad/train-kernels.ts';

/**
 * Bilinear resize, NHWC: x [N,H,W,C] → [N,h,w,C].
 * `alignCorners=false` is PyTorch/Paddle `align_corners=False` (half-pixel centres);
 * `alignCorners=true` maps corner pixels onto each other.
 *
 * The forward pass is tfjs's native kernel. The backward pass is ours: tfjs 4.22's
 * ResizeBilinearGrad (cpu and wasm) ignores `halfPixelCenters` and so returns the gradient of a
 * different resize. Here dx = R_hᵀ · dy · R_w with the exact 1-D interpolation matrices.
 */
export function resizeBilinear(x: tf.Tensor4D, size: [number, number], alignCorners = false): tf.Tensor4D {
  const [, H, W] = x.shape;
  const [h, w] = size;
  if (h === H && w === W) return x.clone();
  const f = tf.customGrad(((xIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    const y = tf.image.resizeBilinear(xIn as tf.Tensor4D, size, alignCorners, !alignCorners);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor) => resizeBilinearBackward(dy as tf.Tensor4D, [H, W], alignCorners),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor4D;
}

/**
 * dx for the resize above: dy [N,h,w,C] → [N,H,W,C], as two plain 2-D matmuls. On wasm (with our
 * SIMD module) one kernel applies both matrices in place of the matmuls and their four transposes,
 * using only their ≤ 2 non-zeros per row (same values; a 48-wide dense row costs 24× the MACs).
 */
export function resizeBilinearBackward(dy: tf.Tensor4D, inSize: [number, number], alignCorners: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const [N, h, w, C] = dy.shape;
    const [H, W] = inSize;
    if ((w !== W || h !== H) && trainKernelsUsable(dy) && hasKernel('KdResizeBilinearGrad')) {
      const inputs: tf.NamedTensorMap = { dy };
      if (w !== W) inputs.aw = tf.tensor2d(interpMatrix(W, w, alignCorners), [w, W]);
      if (h !== H) inputs.ah = tf.tensor2d(interpMatrix(H, h, alignCorners), [h, H]);
      return tf.engine().runKernel('KdResizeBilinearGrad', inputs, { inSize: [H, W] }) as tf.Tensor4D;
    }
    let g: tf.Tensor4D = dy;
    if (w !== W) {
      // [N,h,C,w] · A_w [w, W] → [N,h,C,W] → [N,h,W,C]
      const aw = tf.tensor2d(interpMatrix(W, w, alignCorners), [w, W]);
      const rows = (C === 1 ? g.reshape([N * h, w]) : g.transpose([0, 1, 3, 2]).reshape([N * h * C, w])) as tf.Tensor2D;
      const out = tf.matMul(rows, aw);
      g = (C === 1 ? out.reshape([N, h, W, 1]) : out.reshape([N, h, C, W]).transpose([0, 1, 3, 2])) as tf.Tensor4D;
    }
    if (h !== H) {
      // [N,W,C,h] · A_h [h, H] → [N,W,C,H] → [N,H,W,C]
      const ah = tf.tensor2d(interpMatrix(H, h, alignCorners), [h, H]);
      const rows = g.transpose([0, 2, 3, 1]).reshape([N * W * C, h]) as tf.Tensor2D;
      g = tf.matMul(rows, ah).reshape([N, W, C, H]).transpose([0, 3, 1, 2]) as tf.Tensor4D;
    }
    return g;
  });
}

const cache = new Map<string, Float32Array>();

/**
 * The [out, in] matrix of 1-D bilinear interpolation from `inLen` to `outLen` samples, matching
 * TensorFlow's resize conventions (half-pixel centres unless `alignCorners`).
 */
export function interpMatrix(inLen: number, outLen: number, alignCorners: boolean): Float32Array {
  const key = `${inLen}|${outLen}|${alignCorners}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const m = new Float32Array(inLen * outLen);
  const scale = alignCorners && outLen > 1 ? (inLen - 1) / (outLen - 1) : inLen / outLen;
  for (let o = 0; o < outLen; o++) {
    const src = alignCorners ? o * scale : Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(src), inLen - 1);
    const hi = Math.min(lo + 1, inLen - 1);
    const frac = src - lo;
    m[o * inLen + lo] += 1 - frac;
    m[o * inLen + hi] += frac;
  }
  cache.set(key, m);
  return m;
}
