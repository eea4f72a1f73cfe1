import * as tf from '@tensorflow/tfjs';

/**
 * Dilated (atrous) stride-1 convolutions with exact gradients. tfjs 4.22 refuses gradients for
 * dilation > 1 (Conv2D and DepthwiseConv2dNative); these custom-gradient ops compute them from
 * ordinary convolutions, so they work on every backend.
 *
 * Both take an already padded input (valid convolution):
 *   y[n,o,p,co] = Σ_{kh,kw,ci} xp[n, o + kh·d, p + kw·d, ci] · w[kh,kw,ci,co]
 *   dxp = conv_valid,d( pad(dy, (K−1)d), flip(w)ᵀ )
 *   dw[kh,kw,ci,co] = Σ xp[n, o + kh·d, p + kw·d, ci] dy[n,o,p,co]  — a conv with stride d.
 */
export function dilatedConv2dValid(xp: tf.Tensor4D, w: tf.Tensor4D, dilation: number): tf.Tensor4D {
  const f = tf.customGrad(((xIn: tf.Tensor, wIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xIn, wIn]);
    const y = tf.conv2d(xIn as tf.Tensor4D, wIn as tf.Tensor4D, 1, 'valid', 'NHWC', dilation);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x, wt] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [KH, KW] = wt.shape;
        const ph = (KH - 1) * dilation, pw = (KW - 1) * dilation;
        const dyp = tf.pad(dy as tf.Tensor4D, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
        const wFlip = tf.reverse(wt, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
        const dx = tf.conv2d(dyp, wFlip, 1, 'valid', 'NHWC', dilation);
        const xt = x.transpose([3, 1, 2, 0]) as tf.Tensor4D; // [Ci, Hp, Wp, N]
        const dyt = (dy as tf.Tensor4D).transpose([1, 2, 0, 3]) as tf.Tensor4D; // [OH, OW, N, Co]
        let r = tf.conv2d(xt, dyt, dilation, 'valid'); // [Ci, ≥KH, ≥KW, Co]
        if (r.shape[1] !== KH || r.shape[2] !== KW) r = r.slice([0, 0, 0, 0], [-1, KH, KW, -1]);
        return [dx, r.transpose([1, 2, 0, 3])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xp, w) as tf.Tensor4D;
}

/** Depthwise version (channel multiplier 1): xp [N,Hp,Wp,C], w [KH,KW,C,1]. */
export function dilatedDepthwiseConv2dValid(xp: tf.Tensor4D, w: tf.Tensor4D, dilation: number): tf.Tensor4D {
  const f = tf.customGrad(((xIn: tf.Tensor, wIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xIn, wIn]);
    const y = tf.depthwiseConv2d(xIn as tf.Tensor4D, wIn as tf.Tensor4D, 1, 'valid', 'NHWC', dilation);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x, wt] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [KH, KW, C] = wt.shape;
        const [N, Hp, Wp] = x.shape;
        const [, OH, OW] = dy.shape;
        const ph = (KH - 1) * dilation, pw = (KW - 1) * dilation;
        const dyp = tf.pad(dy as tf.Tensor4D, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
        const dx = tf.depthwiseConv2d(dyp, tf.reverse(wt, [0, 1]) as tf.Tensor4D, 1, 'valid', 'NHWC', dilation);
        const xt = x.transpose([1, 2, 0, 3]).reshape([1, Hp, Wp, N * C]) as tf.Tensor4D;
        const dyt = dy.transpose([1, 2, 0, 3]).reshape([OH, OW, N * C, 1]) as tf.Tensor4D;
        let r = tf.depthwiseConv2d(xt, dyt, dilation, 'valid'); // [1, ≥KH, ≥KW, N·C]
        if (r.shape[1] !== KH || r.shape[2] !== KW) r = r.slice([0, 0, 0, 0], [1, KH, KW, -1]);
        const dw = r.reshape([KH, KW, N, C]).sum(2).reshape([KH, KW, C, 1]);
        return [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(xp, w) as tf.Tensor4D;
}
