import * as tf from '@tensorflow/tfjs';
import { heapPtr, makeOutput, nativeKernels } from '../wasm-kernels/native.ts';
import type { KernelArgs } from './kernel-context.ts';
import { concatFast, splitVFast } from './row-copy-kernels.ts';

/**
 * Training kernels for the wasm backend backed by kernels.c (kdlab issue 9, CSNet speed).
 * Each replaces a composed tfjs graph of 5–20 broadcast elementwise ops and reductions with one
 * or two streaming passes, and rounds exactly like that graph (see kernels.c), so results are
 * bit-identical. They run only through the ops in ../ops (batchNormTrain, batchNormPreluTrain,
 * prelu, maxPoolK/avgPoolK, resizeBilinearBackward) and nn/batch-norm.ts, which fall back to the
 * composed graphs when `trainKernelsUsable` / `nativeTrainKernels` is false.
 *   KdBatchNormStats {x}                         → [mean, variance]      (tf.moments over [0,1,2])
 *   KdBatchNormApply {x, mean, rstd, gamma, beta} → y
 *   KdBatchNormGrad  {x, dy, mean, rstd, gamma, beta} → [dx, dgamma, dbeta]
 *   KdBatchNormPreluForward {x, mean, rstd, gamma, beta, alpha} → PReLU(BN(x))
 *   KdBatchNormPreluGrad    {x, dy, mean, rstd, gamma, beta, alpha} → [dx, dgamma, dbeta, dalpha]  (C ≥ 4)
 *   KdPreluGrad      {x, alpha, dy}               → [dx, dalpha]
 *   KdBatchNormRunningStats {runningMean, runningVar, mean, variance}, {momentum, n} → [mean', var']
 *   KdPoolGrad       {x, dy}, {k, isMax}          → dx   (k×k, stride k, unpadded max/avg pool)
 *   KdResizeBilinearGrad {dy, aw?, ah?}, {inSize}  → dx   (ops/resize-bilinear.ts, both matmuls in one kernel)
 * Also Concat and SplitV on float32 (row copies instead of one JS TypedArray.set per row, or
 * wasm Slice per output): pure copies, exact. And stride-1, undilated depthwise convolutions
 * without bias/activation (DepthwiseConv2dNative, FusedDepthwiseConv2D) by kernels.c
 * dw_forward_s1, which adds the taps in XNNPACK's order: same values, faster at small C.
 */

let trainKernelsOn = true;

/** Tests only: route the ops in ../ops back to their composed tfjs graphs (true restores the kernels). */
export function setTrainKernelsEnabled(on: boolean): void {
  trainKernelsOn = on;
}

/**
 * True when the active backend has a kernel registered under `kernelName`. The ops in ../ops
 * dispatch on this, by kernel name rather than backend name: a backend without a Kd* kernel
 * (cpu, webgpu, tensorflow) runs the composed tfjs graph instead.
 */
export function hasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}

/** True when the active backend has the Kd* training kernels (registered for wasm only) and our SIMD module. */
export function nativeTrainKernels(): boolean {
  return trainKernelsOn && hasKernel('KdBatchNormGrad') && nativeKernels(tf.backend()) !== null;
}

/** The channel_sum path of Sum/Mean (channel-reduce.ts) starts at this size; below it the stock kernels sum in another order. */
const MIN_SIZE = 4096;

/**
 * True when the active backend is wasm with our SIMD module and `x` ([…, C] float32) is large
 * enough that tfjs's own Sum/Mean would use channel_sum: then the Kd* kernels reproduce the
 * composed graphs bit for bit.
 */
export function trainKernelsUsable(x: tf.Tensor): boolean {
  return x.dtype === 'float32' && x.size >= MIN_SIZE && nativeTrainKernels();
}

function native(backend: unknown) {
  const n = nativeKernels(backend);
  if (!n) throw new Error('wasm training kernel: the SIMD module is unavailable');
  return n;
}

/** [M, C] view sizes of an NHWC (or any channels-last) tensor. */
const mc = (t: tf.TensorInfo): [number, number] => {
  const C = t.shape[t.shape.length - 1];
  return [tf.util.sizeFromShape(t.shape) / C, C];
};

/** A float32 scratch buffer on the wasm heap, freed by the returned function. */
function scratch(backend: unknown, floats: number): [number, () => void] {
  const t = makeOutput(backend, [Math.max(1, floats)]);
  return [heapPtr(backend, t), () => (backend as tf.KernelBackend).disposeData(t.dataId)];
}

/** lcm(C, 4): the period of the per-channel parameter patterns in kernels.c. */
const period = (C: number) => (C % 4 === 0 ? C : C % 2 === 0 ? 2 * C : 4 * C);
const redSize = (C: number) => 2 * C + 8;

function bnStats({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { x } = inputs as { x: tf.TensorInfo };
  const n = native(backend);
  const [M, C] = mc(x);
  const mean = makeOutput(backend, [C]);
  const variance = makeOutput(backend, [C]);
  if (C >= 4) {
    const [s, free] = scratch(backend, redSize(C));
    n.bnp_stats(heapPtr(backend, x), heapPtr(backend, mean), heapPtr(backend, variance), s, M, C, 1 / M);
    free();
  } else n.bn_stats(heapPtr(backend, x), heapPtr(backend, mean), heapPtr(backend, variance), M, C, 1 / M);
  return [mean, variance];
}

/** y = BN(x) (KdBatchNormApply) or PReLU(BN(x)) (KdBatchNormPreluForward, with `alpha`). */
function bnApply({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x, mean, rstd, gamma, beta, alpha } = inputs as Record<string, tf.TensorInfo | undefined> as Record<
    string,
    tf.TensorInfo
  >;
  const n = native(backend);
  const [M, C] = mc(x);
  const y = makeOutput(backend, x.shape);
  const p = (t: tf.TensorInfo) => heapPtr(backend, t);
  const [s, free] = scratch(backend, 5 * period(C));
  n.bnp_forward(p(x), p(mean), p(rstd), p(gamma), p(beta), alpha ? p(alpha) : 0, p(y), s, M, C);
  free();
  return y;
}

/** [dx, dgamma, dbeta] (KdBatchNormGrad) or [dx, dgamma, dbeta, dalpha] (KdBatchNormPreluGrad, with `alpha`). */
function bnGrad({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { x, dy, mean, rstd, gamma, beta, alpha } = inputs as Record<string, tf.TensorInfo | undefined> as Record<
    string,
    tf.TensorInfo
  >;
  const n = native(backend);
  const [M, C] = mc(x);
  const dx = makeOutput(backend, x.shape);
  const dgamma = makeOutput(backend, [C]);
  const dbeta = makeOutput(backend, [C]);
  const p = (t: tf.TensorInfo) => heapPtr(backend, t);
  if (C < 4) {
    if (alpha) throw new Error('KdBatchNormPreluGrad: needs C >= 4');
    n.bn_grad(p(x), p(dy), p(mean), p(rstd), p(gamma), p(dx), p(dbeta), p(dgamma), M, C, M);
    return [dx, dgamma, dbeta];
  }
  const dalpha = alpha ? makeOutput(backend, [C]) : null;
  const [s, free] = scratch(backend, 3 * redSize(C) + 8 * period(C));
  n.bnp_grad(
    p(x),
    p(dy),
    p(mean),
    p(rstd),
    p(gamma),
    beta ? p(beta) : 0,
    alpha ? p(alpha) : 0,
    p(dx),
    p(dgamma),
    p(dbeta),
    dalpha ? p(dalpha) : 0,
    s,
    M,
    C,
    M,
  );
  free();
  return dalpha ? [dx, dgamma, dbeta, dalpha] : [dx, dgamma, dbeta];
}

function preluGrad({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const { x, alpha, dy } = inputs as Record<string, tf.TensorInfo>;
  const n = native(backend);
  const [M, C] = mc(x);
  if (tf.util.sizeFromShape(alpha.shape) !== C) throw new Error('KdPreluGrad: alpha must be per channel [C]');
  const dx = makeOutput(backend, x.shape);
  const dalpha = makeOutput(backend, alpha.shape);
  const p = (t: tf.TensorInfo) => heapPtr(backend, t);
  n.prelu_grad(p(x), p(alpha), p(dy), p(dx), p(dalpha), M, C);
  return [dx, dalpha];
}

function poolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as Record<string, tf.TensorInfo>;
  const { k, isMax } = attrs as unknown as { k: number; isMax: boolean };
  const n = native(backend);
  const [N, H, W, C] = x.shape;
  const [, OH, OW] = dy.shape;
  const dx = makeOutput(backend, x.shape);
  n.pool_grad_k(
    heapPtr(backend, x),
    heapPtr(backend, dy),
    heapPtr(backend, dx),
    N,
    H,
    W,
    C,
    k,
    OH,
    OW,
    isMax ? 1 : 0,
    1 / (k * k),
  );
  return dx;
}

function bnRunning({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { runningMean, runningVar, mean, variance } = inputs as Record<string, tf.TensorInfo>;
  const { momentum, n: count } = attrs as unknown as { momentum: number; n: number };
  const n = native(backend);
  const C = tf.util.sizeFromShape(mean.shape);
  const nm = makeOutput(backend, runningMean.shape);
  const nv = makeOutput(backend, runningVar.shape);
  const p = (t: tf.TensorInfo) => heapPtr(backend, t);
  n.bn_running(
    p(runningMean),
    p(runningVar),
    p(mean),
    p(variance),
    p(nm),
    p(nv),
    C,
    1 - momentum,
    momentum,
    count > 1 ? count / (count - 1) : 0,
  );
  return [nm, nv];
}

function resizeBilinearGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, aw, ah } = inputs as Record<string, tf.TensorInfo | undefined> as Record<string, tf.TensorInfo>;
  const [H, W] = (attrs as unknown as { inSize: [number, number] }).inSize;
  const n = native(backend);
  const [N, h, w, C] = dy.shape;
  const dx = makeOutput(backend, [N, H, W, C]);
  const [tmp, freeTmp] = scratch(backend, aw && ah ? N * h * W * C : 1);
  const [nz, freeNz] = scratch(backend, 4 * (w + h));
  n.resize_bilinear_grad(
    heapPtr(backend, dy),
    heapPtr(backend, dx),
    tmp,
    nz,
    aw ? heapPtr(backend, aw) : 0,
    ah ? heapPtr(backend, ah) : 0,
    N,
    h,
    w,
    H,
    W,
    C,
  );
  freeTmp();
  freeNz();
  return dx;
}

/** Depthwise conv forward by dw_forward_s1 when it applies (else null): stride 1, dilation 1, multiplier 1, NHWC float32. */
function depthwiseForward(args: KernelArgs): tf.TensorInfo | null {
  const { inputs, backend, attrs } = args;
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as tf.FusedDepthwiseConv2DAttrs;
  const n = nativeKernels(backend);
  if (!n || !x || !filter || bias || preluActivationWeights || (a.activation ?? 'linear') !== 'linear') return null;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || filter.shape[3] !== 1) return null;
  if (a.dataFormat != null && a.dataFormat !== 'NHWC') return null;
  const s = Array.isArray(a.strides) ? a.strides : [a.strides, a.strides];
  const d = a.dilations == null ? [1, 1] : Array.isArray(a.dilations) ? a.dilations : [a.dilations, a.dilations];
  if (s[0] !== 1 || s[1] !== 1 || d[0] !== 1 || d[1] !== 1) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    true,
  );
  const [N, H, W, C] = x.shape;
  const [KH, KW] = filter.shape;
  const { outHeight: OH, outWidth: OW } = info;
  const y = makeOutput(backend, [N, OH, OW, C]);
  const [wrep, free] = scratch(backend, KH * KW * OW * C);
  n.dw_forward_s1(
    heapPtr(backend, x),
    heapPtr(backend, filter),
    heapPtr(backend, y),
    wrep,
    N,
    H,
    W,
    C,
    KH,
    KW,
    1,
    1,
    info.padInfo.top,
    info.padInfo.left,
    OH,
    OW,
  );
  free();
  return y;
}

const withDepthwiseForward = (stock: tf.KernelFunc): tf.KernelFunc =>
  ((args: KernelArgs) => depthwiseForward(args) ?? stock(args)) as unknown as tf.KernelFunc;

/** Registers the Kd* kernels for wasm and swaps Concat/SplitV (keeping the stock ones as fallbacks). Idempotent. */
export function registerTrainKernels(
  replace: (kernelName: string, make: (stock: tf.KernelFunc) => tf.KernelFunc) => void,
): string[] {
  const added: string[] = [];
  const kernels: Record<string, tf.KernelFunc> = {
    KdBatchNormStats: bnStats as unknown as tf.KernelFunc,
    KdBatchNormApply: bnApply as unknown as tf.KernelFunc,
    KdBatchNormGrad: bnGrad as unknown as tf.KernelFunc,
    KdBatchNormPreluForward: bnApply as unknown as tf.KernelFunc,
    KdBatchNormPreluGrad: bnGrad as unknown as tf.KernelFunc,
    KdPreluGrad: preluGrad as unknown as tf.KernelFunc,
    KdPoolGrad: poolGrad as unknown as tf.KernelFunc,
    KdBatchNormRunningStats: bnRunning as unknown as tf.KernelFunc,
    KdResizeBilinearGrad: resizeBilinearGrad as unknown as tf.KernelFunc,
  };
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
      added.push(kernelName);
    }
  }
  if (added.length > 0) {
    replace('Concat', concatFast);
    replace('SplitV', splitVFast);
    replace('DepthwiseConv2dNative', withDepthwiseForward);
    replace('FusedDepthwiseConv2D', withDepthwiseForward);
    added.push('Concat', 'SplitV', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D');
  }
  return added;
}
