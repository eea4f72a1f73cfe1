import * as tf from '@tensorflow/tfjs';
import { assertNhwc, kernelContext, pair, type KernelArgs } from './kernel-context.ts';
import { heapPtr, makeOutput, nativeKernels } from '../wasm-kernels/native.ts';

/**
 * Conv2DBackpropFilter for the wasm backend.
 *
 * Main path (our SIMD module, kernels.c): P = im2colᵀ(x) [KH·KW·Ci, N·OH·OW], then one plain
 * XNNPACK matmul dW[KH·KW·Ci, Co] = P · dy[N·OH·OW, Co], which is already HWIO. No pad,
 * transpose or slice; a transposed-operand BatchMatMul would be ~10× slower on wasm.
 *
 * Fallback (module unavailable), composed from kernels wasm has:
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} xp[n, oh·s + kh, ow·s + kw, ci] · dy[n, oh, ow, co]
 * which is a convolution of xp (as [Ci, Hp, Wp, N]) with dy (as filter [OH, OW, N, Co]) whose
 * filter dilation is the forward stride s. A 1×1, stride-1, unpadded conv is a single matmul.
 * Shapes: x [N,H,W,Ci], dy [N,OH,OW,Co] → [KH,KW,Ci,Co].
 */
export function conv2dBackpropFilterWasm({ inputs, backend, attrs }: KernelArgs) {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertNhwc('Conv2DBackpropFilter', dataFormat);
  const [KH, KW, Ci, Co] = filterShape;
  const [sh, sw] = pair(strides);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const { run, adopt, done } = kernelContext(backend);
  const native = nativeKernels(backend);
  // The direct kernel (4×8 register tiles) beats im2col_t + XNNPACK matmul (which transposes x and
  // packs all of dy per call) for the small channel counts of CSNet-like layers; measured crossover
  // on wasm-simd: Co ≤ 64 and KH·KW·Ci ≤ 320. Both sum over N·OH·OW in ascending order (same values).
  const direct = Co <= 64 && KH * KW * Ci <= 320;
  if (native && direct && KH === 1 && KW === 1 && sh === 1 && sw === 1 && !(top || bottom || left || right)) {
    // 1×1: dW[Ci, Co] = x[M, Ci]ᵀ · dy[M, Co] directly (kernels.c conv1x1_filter_grad): same sums
    // in the same order as the im2col + matmul below, without the transpose and weight packing.
    const out = makeOutput(backend, filterShape);
    native.conv1x1_filter_grad(
      heapPtr(backend, x),
      heapPtr(backend, dy),
      heapPtr(backend, out),
      tf.util.sizeFromShape(x.shape) / Ci,
      Ci,
      Co,
    );
    return out;
  }
  if (native && direct && (tf.util.sizeFromShape(x.shape) / Ci) * KH * KW * Ci <= 1 << 24) {
    // Patches as rows (im2col_rows) and the same direct kernel: dW[K, Co] = P[M, K]ᵀ · dy[M, Co],
    // each sum in ascending m like the im2col_t + matmul below (whose matmul packs all of dy).
    const [N, H, W] = x.shape;
    const { outHeight: OH, outWidth: OW } = info;
    const K = KH * KW * Ci,
      M = N * OH * OW;
    const cols = adopt(makeOutput(backend, [M, K]));
    native.im2col_rows(
      heapPtr(backend, x),
      heapPtr(backend, cols),
      N,
      H,
      W,
      Ci,
      KH,
      KW,
      sh,
      sw,
      1,
      1,
      top,
      left,
      OH,
      OW,
    );
    const out = makeOutput(backend, filterShape);
    native.conv1x1_filter_grad(heapPtr(backend, cols), heapPtr(backend, dy), heapPtr(backend, out), M, K, Co);
    return done(out);
  }
  if (native) {
    const [N, H, W] = x.shape;
    const { outHeight: OH, outWidth: OW } = info;
    const K = KH * KW * Ci,
      M = N * OH * OW;
    const cols = adopt(makeOutput(backend, [1, K, M]));
    native.im2col_t(heapPtr(backend, x), heapPtr(backend, cols), N, H, W, Ci, KH, KW, sh, sw, 1, 1, top, left, OH, OW);
    const dy3 = run('Reshape', { x: dy }, { shape: [1, M, Co] });
    const m = run('BatchMatMul', { a: cols, b: dy3 }, { transposeA: false, transposeB: false });
    return done(run('Reshape', { x: m }, { shape: filterShape }));
  }
  if (KH === 1 && KW === 1 && sh === 1 && sw === 1 && !(top || bottom || left || right)) {
    const a = run('Reshape', { x }, { shape: [1, -1, Ci] });
    const b = run('Reshape', { x: dy }, { shape: [1, -1, Co] });
    const m = run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
    return done(run('Reshape', { x: m }, { shape: filterShape }));
  }
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
  const xt = run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] }); // [Ci, Hp, Wp, N]
  const dyt = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, Co]
  let r = run(
    'Conv2D',
    { x: xt, filter: dyt },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw] },
  );
  if (r.shape[1] !== KH || r.shape[2] !== KW)
    r = run('Slice', { x: r }, { begin: [0, 0, 0, 0], size: [Ci, KH, KW, Co] });
  return done(run('Transpose', { x: r }, { perm: [1, 2, 0, 3] })); // [KH, KW, Ci, Co]
}
