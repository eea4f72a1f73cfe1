import * as tf from '@tensorflow/tfjs';
import { kernelContext, pair, type KernelArgs } from './kernel-context.ts';
import { depthwiseBackpropFilterNative } from './depthwise-backprop-native.ts';

/**
 * DepthwiseConv2dNativeBackpropFilter for wasm (channel multiplier 1).
 *
 * dW[kh,kw,c] = Σ_{n,oh,ow} xp[n, oh·s + kh·d, ow·s + kw·d, c] · dy[n, oh, ow, c].
 * Folding N into channels, it is one depthwise conv of xp ([1, Hp, Wp, N·C]) with dy
 * ([OH, OW, N·C, 1]) using filter dilation s and stride d (one of them is 1), then a sum over N.
 * Shapes: x [N,H,W,C], dy [N,OH,OW,C] → [KH,KW,C,1].
 */
export function depthwiseBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs) {
  const fast = depthwiseBackpropFilterNative({ inputs, backend, attrs });
  if (fast) return fast;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dilations, dimRoundingMode, filterShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const [KH, KW, C, M] = filterShape;
  if (M !== 1) throw new Error(`DepthwiseConv2dNativeBackpropFilter (wasm): channel multiplier 1 only, got ${M}`);
  const [sh, sw] = pair(strides);
  const [dh, dw] = pair(dilations);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1))
    throw new Error('DepthwiseConv2dNativeBackpropFilter (wasm): strides and dilations cannot both exceed 1');
  const N = x.shape[0];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    [dh, dw],
    pad,
    dimRoundingMode,
    true,
  );
  const { top, bottom, left, right } = info.padInfo;
  const { run, done } = kernelContext(backend);
  const xp =
    top || bottom || left || right
      ? run(
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : x;
  const [Hp, Wp] = [xp.shape[1], xp.shape[2]];
  const xt = run('Reshape', { x: run('Transpose', { x: xp }, { perm: [1, 2, 0, 3] }) }, { shape: [1, Hp, Wp, N * C] });
  const dyt = run(
    'Reshape',
    { x: run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }) },
    { shape: [dy.shape[1], dy.shape[2], N * C, 1] },
  );
  let r = run(
    'DepthwiseConv2dNative',
    { x: xt, filter: dyt },
    { strides: [dh, dw], pad: 'valid', dilations: [sh, sw] },
  );
  if (r.shape[1] !== KH || r.shape[2] !== KW)
    r = run('Slice', { x: r }, { begin: [0, 0, 0, 0], size: [1, KH, KW, N * C] });
  const s = run('Sum', { x: run('Reshape', { x: r }, { shape: [KH, KW, N, C] }) }, { axis: [2], keepDims: false });
  return done(run('Reshape', { x: s }, { shape: filterShape }));
}
