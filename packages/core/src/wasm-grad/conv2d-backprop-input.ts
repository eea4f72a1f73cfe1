import * as tf from '@tensorflow/tfjs';
import { assertNhwc, kernelContext, pair, type KernelArgs } from './kernel-context.ts';
import { conv2dBackpropInputStrided } from './depthwise-backprop-native.ts';

/**
 * Conv2DBackpropInput for wasm, replacing the stock kernel (a scalar loop ~10× slower than
 * XNNPACK's Conv2D on these shapes). With z = dy dilated by the stride (s−1 zeros between
 * entries, Ld = (OH−1)s+1 long):
 *   dxp = conv_valid( pad(z, [K−1, Hp−Ld]), W' ),  W'[kh,kw,co,ci] = W[K−1−kh, K−1−kw, ci, co]
 * then crop the forward padding. Shapes: dy [N,OH,OW,Co], filter [KH,KW,Ci,Co] → [N,H,W,Ci].
 */
export function conv2dBackpropInputWasm({ inputs, backend, attrs }: KernelArgs) {
  const fast = pair((attrs as unknown as tf.Conv2DBackpropInputAttrs).strides).some((s) => s > 1) ? conv2dBackpropInputStrided({ inputs, backend, attrs }) : null;
  if (fast) return fast;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertNhwc('Conv2DBackpropInput', dataFormat);
  const [KH, KW, Ci] = filter.shape;
  const [sh, sw] = pair(strides);
  const [N, H, W] = inputShape;
  const [, OH, OW, Co] = dy.shape;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { top, bottom, left, right } = info.padInfo;
  const { run, done } = kernelContext(backend);
  if (KH === 1 && KW === 1 && sh === 1 && sw === 1 && !(top || bottom || left || right)) {
    // 1×1: dx[N·H·W, Ci] = dy[N·H·W, Co] · W[Ci, Co]ᵀ, one matmul (the filter is XNNPACK's native layout).
    const a = run('Reshape', { x: dy }, { shape: [1, N * H * W, Co] });
    const b = run('Reshape', { x: filter }, { shape: [1, Ci, Co] });
    const m = run('BatchMatMul', { a, b }, { transposeA: false, transposeB: true });
    return done(run('Reshape', { x: m }, { shape: inputShape }));
  }
  const Hp = H + top + bottom, Wp = W + left + right;
  const Ld = (OH - 1) * sh + 1, Lw = (OW - 1) * sw + 1;
  let z = dy;
  if (sh > 1 || sw > 1) {
    const r6 = run('Reshape', { x: dy }, { shape: [N, OH, 1, OW, 1, Co] });
    const p6 = run('PadV2', { x: r6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    const r4 = run('Reshape', { x: p6 }, { shape: [N, OH * sh, OW * sw, Co] });
    z = run('Slice', { x: r4 }, { begin: [0, 0, 0, 0], size: [N, Ld, Lw, Co] });
  }
  const zp = run('PadV2', { x: z }, { paddings: [[0, 0], [KH - 1, Hp - Ld], [KW - 1, Wp - Lw], [0, 0]], constantValue: 0 });
  const wt = run('Transpose', { x: run('Reverse', { x: filter }, { dims: [0, 1] }) }, { perm: [0, 1, 3, 2] });
  const full = run('Conv2D', { x: zp, filter: wt }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  if (top === 0 && left === 0 && full.shape[1] === H && full.shape[2] === W) return done(full);
  return done(run('Slice', { x: full }, { begin: [0, top, left, 0], size: [N, H, W, Ci] }));
}
