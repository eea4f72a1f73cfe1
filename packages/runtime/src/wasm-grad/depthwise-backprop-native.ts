import * as tf from '@tensorflow/tfjs';
import { heapPtr, makeOutput, nativeKernels } from '../wasm-kernels/native.ts';
import { kernelContext, pair, type KernelArgs } from './kernel-context.ts';

/** Geometry shared by both depthwise gradients (NHWC, multiplier 1, forward padding resolved). */
function geometry(
  xShape: number[],
  filterShape: number[],
  attrs: tf.DepthwiseConv2dNativeBackpropFilterAttrs | tf.DepthwiseConv2dNativeBackpropInputAttrs,
) {
  const { strides, pad, dilations, dimRoundingMode } = attrs;
  const [dh, dw] = pair(dilations);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    [dh, dw],
    pad,
    dimRoundingMode,
    true,
  );
  const [sh, sw] = pair(strides);
  const [N, H, W, C] = xShape;
  const [KH, KW] = filterShape;
  return [N, H, W, C, KH, KW, sh, sw, dh, dw, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth];
}

/**
 * DepthwiseConv2dNativeBackpropFilter by the direct SIMD kernel (kernels.c `dw_filter_grad`):
 *   dW[kh,kw,c] = Σ_{n,oh,ow} x[n, oh·s + kh·d − pt, ow·s + kw·d − pl, c] · dy[n,oh,ow,c]
 * in one pass per tap, no pad/transpose. x [N,H,W,C], dy [N,OH,OW,C] → [KH,KW,C,1].
 * Returns null when our module is unavailable (the caller falls back to composed kernels).
 */
export function depthwiseBackpropFilterNative({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo | null {
  const native = nativeKernels(backend);
  if (!native) return null;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const g = geometry(x.shape, a.filterShape, a);
  const out = makeOutput(backend, a.filterShape);
  const [N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW] = g;
  if (sh === 1 && sw === 1 && C >= 4) {
    // row-wise form (kernels.c dw_filter_grad_s1), same sums in the same order, several times faster
    const scratch = makeOutput(backend, [KH * KW * 4 + 4]);
    native.dw_filter_grad_s1(
      heapPtr(backend, x),
      heapPtr(backend, dy),
      heapPtr(backend, out),
      heapPtr(backend, scratch),
      N,
      H,
      W,
      C,
      KH,
      KW,
      dh,
      dw,
      pt,
      pl,
      OH,
      OW,
    );
    (backend as tf.KernelBackend).disposeData(scratch.dataId);
    return out;
  }
  native.dw_filter_grad(heapPtr(backend, x), heapPtr(backend, dy), heapPtr(backend, out), ...g);
  return out;
}

/**
 * DepthwiseConv2dNativeBackpropInput by the direct SIMD kernel (kernels.c `dw_input_grad`):
 *   dx[n,ih,iw,c] = Σ_{kh,kw} dy[n, oh, ow, c] · w[kh,kw,c],  ih = oh·s + kh·d − pt, iw likewise,
 * gathering only integral in-range (oh, ow): no zero insertion. dy [N,OH,OW,C], w [KH,KW,C,1]
 * → [N,H,W,C]. Returns null when our module is unavailable.
 */
export function depthwiseBackpropInputNative({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo | null {
  const native = nativeKernels(backend);
  if (!native) return null;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const g = geometry(a.inputShape, filter.shape, a);
  const out = makeOutput(backend, a.inputShape);
  const [N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW] = g;
  if (sh === 1 && sw === 1) {
    // row-wise form (kernels.c dw_input_grad_s1), same products in the same order, long SIMD runs
    const wrep = makeOutput(backend, [KH * KW * W * C]);
    native.dw_input_grad_s1(
      heapPtr(backend, dy),
      heapPtr(backend, filter),
      heapPtr(backend, out),
      heapPtr(backend, wrep),
      N,
      H,
      W,
      C,
      KH,
      KW,
      dh,
      dw,
      pt,
      pl,
      OH,
      OW,
    );
    (backend as tf.KernelBackend).disposeData(wrep.dataId);
    return out;
  }
  native.dw_input_grad(heapPtr(backend, dy), heapPtr(backend, filter), heapPtr(backend, out), ...g);
  return out;
}

/**
 * Conv2DBackpropInput for stride > 1 without zero insertion (kernels.c `col2im`):
 *   cols[N·OH·OW, KH·KW·Ci] = dy[N·OH·OW, Co] · W[KH·KW·Ci, Co]ᵀ  (XNNPACK's native weight layout)
 *   dx[n,ih,iw,ci] = Σ_{kh,kw} cols[(n,oh,ow), (kh,kw,ci)] over integral in-range taps.
 * MACs equal the forward conv's (zero insertion costs s² times more). Returns null without the module.
 */
export function conv2dBackpropInputStrided({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo | null {
  const native = nativeKernels(backend);
  if (!native) return null;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const [KH, KW, Ci, Co] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const [N, H, W] = a.inputShape;
  const [sh, sw] = pair(a.strides);
  const M = N * info.outHeight * info.outWidth,
    K = KH * KW * Ci;
  const { run, done } = kernelContext(backend);
  const dy3 = run('Reshape', { x: dy }, { shape: [1, M, Co] });
  const w3 = run('Reshape', { x: filter }, { shape: [1, K, Co] });
  const cols = run('BatchMatMul', { a: dy3, b: w3 }, { transposeA: false, transposeB: true });
  const out = makeOutput(backend, a.inputShape);
  native.col2im(
    heapPtr(backend, cols),
    heapPtr(backend, out),
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
    info.padInfo.top,
    info.padInfo.left,
    info.outHeight,
    info.outWidth,
  );
  return done(out);
}
