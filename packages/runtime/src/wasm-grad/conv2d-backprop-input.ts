import * as tf from '@tensorflow/tfjs';
import { assertNhwc, kernelContext, pair, type KernelArgs } from './kernel-context.ts';
import { conv2dBackpropInputStrided } from './depthwise-backprop-native.ts';
import { heapPtr, makeOutput, nativeKernels } from '../wasm-kernels/native.ts';

/** tfjs-backend-wasm's transposed-operand BatchMatMul (slow_batch_matmul) sums the shared dimension in blocks of this size. */
const MATMUL_BLOCK = 48;

/**
 * Conv2DBackpropInput for wasm, replacing the stock kernel (a scalar loop ~10× slower than
 * XNNPACK's Conv2D on these shapes). With z = dy dilated by the stride (s−1 zeros between
 * entries, Ld = (OH−1)s+1 long):
 *   dxp = conv_valid( pad(z, [K−1, Hp−Ld]), W' ),  W'[kh,kw,co,ci] = W[K−1−kh, K−1−kw, ci, co]
 * then crop the forward padding. Shapes: dy [N,OH,OW,Co], filter [KH,KW,Ci,Co] → [N,H,W,Ci].
 * Stride 1 needs no zero insertion nor crop: dx = conv(dy, W') with the padding
 * [K−1−top, K−1−bottom] done inside XNNPACK (no PadV2 copy, no Slice); a 1×1 unpadded conv is
 * conv(dy, Wᵀ). Both give the same values as the padded-then-cropped form (same terms, same
 * order) and run 2–8× faster than it, or than a transposed-operand BatchMatMul.
 */
export function conv2dBackpropInputWasm({ inputs, backend, attrs }: KernelArgs) {
  const fast = pair((attrs as unknown as tf.Conv2DBackpropInputAttrs).strides).some((s) => s > 1)
    ? conv2dBackpropInputStrided({ inputs, backend, attrs })
    : null;
  if (fast) return fast;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertNhwc('Conv2DBackpropInput', dataFormat);
  const [KH, KW, Ci] = filter.shape;
  const [sh, sw] = pair(strides);
  const [N, H, W] = inputShape;
  const [, OH, OW, Co] = dy.shape;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const { run, adopt, done } = kernelContext(backend);
  if (KH === 1 && KW === 1 && sh === 1 && sw === 1 && !(top || bottom || left || right)) {
    // 1×1: dx[N·H·W, Ci] = dy[N·H·W, Co] · W[Ci, Co]ᵀ as a 1×1 conv of dy with Wᵀ [1,1,Co,Ci].
    // This used to be a transposeB BatchMatMul, which wasm runs as a scalar loop (~4× slower)
    // summing over Co in blocks of 48: Σ = (Σ_{0..47}) + (Σ_{48..95}) + …; XNNPACK sums each
    // block in order, so one conv per 48-channel block of dy, added in order, gives the same values.
    const wt = run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
    const conv = (x: tf.TensorInfo, w: tf.TensorInfo) =>
      run('Conv2D', { x, filter: w }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
    if (Co <= MATMUL_BLOCK) return done(conv(dy, wt));
    let acc: tf.TensorInfo | null = null;
    const native = nativeKernels(backend);
    for (let k0 = 0; k0 < Co; k0 += MATMUL_BLOCK) {
      const kb = Math.min(MATMUL_BLOCK, Co - k0);
      let dyb: tf.TensorInfo;
      if (native) {
        // channel block of dy by row copies (wasm's Slice copies row by row in JS)
        dyb = adopt(makeOutput(backend, [N, OH, OW, kb]));
        native.strided_copy(heapPtr(backend, dy) + 4 * k0, heapPtr(backend, dyb), N * OH * OW, kb, Co, kb);
      } else dyb = run('Slice', { x: dy }, { begin: [0, 0, 0, k0], size: [N, OH, OW, kb] });
      const wb = run('Slice', { x: wt }, { begin: [0, 0, k0, 0], size: [1, 1, kb, Ci] });
      const part = conv(dyb, wb);
      acc = acc ? run('Add', { a: acc, b: part }) : part;
    }
    return done(acc!);
  }
  const [pt, pb, pl, pr] = [KH - 1 - top, KH - 1 - bottom, KW - 1 - left, KW - 1 - right];
  if (
    sh === 1 &&
    sw === 1 &&
    Math.min(pt, pb, pl, pr) >= 0 &&
    OH === H + top + bottom - KH + 1 &&
    OW === W + left + right - KW + 1
  ) {
    const wt = run('Transpose', { x: run('Reverse', { x: filter }, { dims: [0, 1] }) }, { perm: [0, 1, 3, 2] });
    const pad = [
      [0, 0],
      [pt, pb],
      [pl, pr],
      [0, 0],
    ];
    return done(run('Conv2D', { x: dy, filter: wt }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] }));
  }
  const Hp = H + top + bottom,
    Wp = W + left + right;
  const Ld = (OH - 1) * sh + 1,
    Lw = (OW - 1) * sw + 1;
  let z = dy;
  if (sh > 1 || sw > 1) {
    const r6 = run('Reshape', { x: dy }, { shape: [N, OH, 1, OW, 1, Co] });
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
    const r4 = run('Reshape', { x: p6 }, { shape: [N, OH * sh, OW * sw, Co] });
    z = run('Slice', { x: r4 }, { begin: [0, 0, 0, 0], size: [N, Ld, Lw, Co] });
  }
  const zp = run(
    'PadV2',
    { x: z },
    {
      paddings: [
        [0, 0],
        [KH - 1, Hp - Ld],
        [KW - 1, Wp - Lw],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const wt = run('Transpose', { x: run('Reverse', { x: filter }, { dims: [0, 1] }) }, { perm: [0, 1, 3, 2] });
  const full = run(
    'Conv2D',
    { x: zp, filter: wt },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
  if (top === 0 && left === 0 && full.shape[1] === H && full.shape[2] === W) return done(full);
  return done(run('Slice', { x: full }, { begin: [0, top, left, 0], size: [N, H, W, Ci] }));
}
