import * as tf from '@tensorflow/tfjs';
import { kernelContext, pair, type KernelArgs } from './kernel-context.ts';
import { depthwiseBackpropInputNative } from './depthwise-backprop-native.ts';

/**
 * DepthwiseConv2dNativeBackpropInput for wasm (channel multiplier 1).
 *
 * With z = dy dilated by the stride s (s−1 zeros between entries, length Ld = (OH−1)s+1),
 * dxp[i] = Σ_k z[i − k·d] w[k]: a "full" depthwise correlation of z, padded by (K−1)d before
 * and Hp − Ld after, with the spatially reversed filter at dilation d; then crop the padding.
 * Shapes: dy [N,OH,OW,C], filter [KH,KW,C,1] → [N,H,W,C].
 */
export function depthwiseBackpropInputWasm({ inputs, backend, attrs }: KernelArgs) {
  const fast = depthwiseBackpropInputNative({ inputs, backend, attrs });
  if (fast) return fast;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dilations, dimRoundingMode, inputShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const [KH, KW, C, M] = filter.shape;
  if (M !== 1) throw new Error(`DepthwiseConv2dNativeBackpropInput (wasm): channel multiplier 1 only, got ${M}`);
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilations);
  const [N, H, W] = inputShape;
  const [, OH, OW] = dy.shape;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    [dh, dw],
    pad,
    dimRoundingMode,
    true,
  );
  const { top, bottom, left, right } = info.padInfo;
  const { run, done } = kernelContext(backend);
  const Hp = H + top + bottom,
    Wp = W + left + right;
  const Ld = (OH - 1) * sh + 1,
    Lw = (OW - 1) * sw + 1;
  let z = dy;
  if (sh > 1 || sw > 1) {
    const r6 = run('Reshape', { x: dy }, { shape: [N, OH, 1, OW, 1, C] });
    const p6 = run(
      'PadV2',
      { x: r6 },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    const r4 = run('Reshape', { x: p6 }, { shape: [N, OH * sh, OW * sw, C] });
    z = run('Slice', { x: r4 }, { begin: [0, 0, 0, 0], size: [N, Ld, Lw, C] });
  }
  const zp = run(
    'PadV2',
    { x: z },
    {
      paddings: [
        [0, 0],
        [(KH - 1) * dh, Hp - Ld],
        [(KW - 1) * dw, Wp - Lw],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const fr = run('Reverse', { x: filter }, { dims: [0, 1] });
  const full = run(
    'DepthwiseConv2dNative',
    { x: zp, filter: fr },
    { strides: [1, 1], pad: 'valid', dilations: [dh, dw] },
  );
  return done(run('Slice', { x: full }, { begin: [0, top, left, 0], size: [N, H, W, C] }));
}
