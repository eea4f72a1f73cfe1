import * as tf from '@tensorflow/tfjs';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];
const sym = (p: number): Pad4 => [
  [0, 0],
  [p, p],
  [p, p],
  [0, 0],
];

/**
 * Dilated (atrous) stride-1 convolutions with exact gradients. tfjs 4.22 refuses gradients for
 * dilation > 1 (Conv2D and DepthwiseConv2dNative); these custom-gradient ops compute them from
 * ordinary convolutions, so they work on every backend.
 *
 * x [N,H,W,Ci], symmetric zero padding p, w [K,K,Ci,Co] (depthwise [K,K,C,1]), dilation d:
 *   y[n,o,q,co] = Σ_{kh,kw,ci} xp[n, o + kh·d, q + kw·d, ci] · w[kh,kw,ci,co],  xp = pad(x, p)
 *   dx = conv_d( pad(dy, (K−1)d − p), flip(w)ᵀ )   — computed only over x itself, not the padding
 *   dw[kh,kw,ci,co] = Σ xp[n, o + kh·d, q + kw·d, ci] dy[n,o,q,co]  — a conv with stride d.
 * Computing dx over the padded map instead would cost (H+2p)/H times more: 30× for ASPP's
 * dilation 18 on an 8×16 feature map.
 */
export function dilatedConv2d(x: tf.Tensor4D, w: tf.Tensor4D, dilation: number, pad = 0): tf.Tensor4D {
  return dilated(x, w, dilation, pad, false);
}

/** Depthwise version (channel multiplier 1): w [K,K,C,1]. */
export function dilatedDepthwiseConv2d(x: tf.Tensor4D, w: tf.Tensor4D, dilation: number, pad = 0): tf.Tensor4D {
  return dilated(x, w, dilation, pad, true);
}

/** The same ops on an already padded input (valid convolution). */
export function dilatedConv2dValid(xp: tf.Tensor4D, w: tf.Tensor4D, dilation: number): tf.Tensor4D {
  return dilated(xp, w, dilation, 0, false);
}

export function dilatedDepthwiseConv2dValid(xp: tf.Tensor4D, w: tf.Tensor4D, dilation: number): tf.Tensor4D {
  return dilated(xp, w, dilation, 0, true);
}

function conv(
  depthwise: boolean,
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  stride: number,
  pad: Pad4 | 'valid',
  dilation: number,
): tf.Tensor4D {
  return depthwise
    ? tf.depthwiseConv2d(x, w, stride, pad as 'valid', 'NHWC', dilation)
    : tf.conv2d(x, w, stride, pad as 'valid', 'NHWC', dilation);
}

function dilated(x: tf.Tensor4D, w: tf.Tensor4D, d: number, p: number, depthwise: boolean): tf.Tensor4D {
  const f = tf.customGrad(((xIn: tf.Tensor, wIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xIn, wIn]);
    return {
      value: conv(depthwise, xIn as tf.Tensor4D, wIn as tf.Tensor4D, 1, p > 0 ? sym(p) : 'valid', d),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, wt] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [KH, KW, C] = wt.shape;
        const [N, H, W] = xs.shape;
        const [, OH, OW] = dy.shape;
        // dx over x only: pad dy by (K−1)d − p (crop when that is negative).
        const q = (KH - 1) * d - p;
        const wFlip = depthwise
          ? (tf.reverse(wt, [0, 1]) as tf.Tensor4D)
          : (tf.reverse(wt, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D);
        let dx = conv(depthwise, dy as tf.Tensor4D, wFlip, 1, sym(Math.max(q, 0)), d);
        if (q < 0) dx = dx.slice([0, -q, -q, 0], [N, H, W, -1]);
        const xp = p > 0 ? tf.pad(xs, sym(p)) : xs;
        const [Hp, Wp] = [xp.shape[1], xp.shape[2]];
        let dw: tf.Tensor;
        if (depthwise) {
          const xt = xp.transpose([1, 2, 0, 3]).reshape([1, Hp, Wp, N * C]) as tf.Tensor4D;
          const dyt = dy.transpose([1, 2, 0, 3]).reshape([OH, OW, N * C, 1]) as tf.Tensor4D;
          let r = tf.depthwiseConv2d(xt, dyt, d, 'valid'); // [1, ≥KH, ≥KW, N·C]
          if (r.shape[1] !== KH || r.shape[2] !== KW) r = r.slice([0, 0, 0, 0], [1, KH, KW, -1]);
          dw = r.reshape([KH, KW, N, C]).sum(2).reshape([KH, KW, C, 1]);
        } else {
          const xt = xp.transpose([3, 1, 2, 0]) as tf.Tensor4D; // [Ci, Hp, Wp, N]
          const dyt = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D; // [OH, OW, N, Co]
          let r = tf.conv2d(xt, dyt, d, 'valid'); // [Ci, ≥KH, ≥KW, Co]
          if (r.shape[1] !== KH || r.shape[2] !== KW) r = r.slice([0, 0, 0, 0], [-1, KH, KW, -1]);
          dw = r.transpose([1, 2, 0, 3]);
        }
        return [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, w) as tf.Tensor4D;
}
