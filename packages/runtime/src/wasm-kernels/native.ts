import fs from 'node:fs';
import type * as tf from '@tensorflow/tfjs';

/** The exports of kernels.c (see there for the math). Pointers are byte offsets in the tfjs heap. */
export interface NativeKernels {
  /** (x, out, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  im2col_t(...a: number[]): void;
  /** (x, out[M, KH·KW·C], N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW): im2col, one patch per row */
  im2col_rows(...a: number[]): void;
  /** (cols, dx, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  col2im(...a: number[]): void;
  /** (x, dy, dW, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  dw_filter_grad(...a: number[]): void;
  /** (dy, w, dx, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  dw_input_grad(...a: number[]): void;
  /** (x, dy, dW, scratch[KH·KW·4 + 4], N, H, W, C, KH, KW, dh, dw, pt, pl, OH, OW): stride 1, C ≥ 4 */
  dw_filter_grad_s1(...a: number[]): void;
  /** (x, w, y, wrep[KH·KW·OW·C], N, H, W, C, KH, KW, dh, dw, pt, pl, OH, OW): stride-1 depthwise conv forward */
  dw_forward_s1(...a: number[]): void;
  /** (dy, w, dx, wrep[KH·KW·W·C], N, H, W, C, KH, KW, dh, dw, pt, pl, OH, OW): stride 1 */
  dw_input_grad_s1(...a: number[]): void;
  /** (x [M,K], dy [M,Co], dW [K,Co], M, K, Co): filter gradient of a 1×1 stride-1 conv */
  conv1x1_filter_grad(x: number, dy: number, out: number, M: number, K: number, Co: number): void;
  /** (x, out, B, M, C, scale): out[b,c] = scale · Σ_m x[b,m,c] */
  channel_sum(x: number, out: number, B: number, M: number, C: number, scale: number): void;
  /** (x, mean, var, M, C, scale): batch moments of x [M, C] in channel_sum's order (scale = 1/M). */
  bn_stats(x: number, mean: number, variance: number, M: number, C: number, scale: number): void;
  /** (x, dy, mean, rstd, gamma, dx, sumDy, sumDyXhat, M, C, Mf): BatchNorm (batch statistics) backward. */
  bn_grad(
    x: number,
    dy: number,
    mean: number,
    rstd: number,
    gamma: number,
    dx: number,
    sdy: number,
    sdyxh: number,
    M: number,
    C: number,
    Mf: number,
  ): void;
  /** (x, alpha, dy, dx, dalpha, M, C): PReLU backward. */
  prelu_grad(x: number, alpha: number, dy: number, dx: number, dalpha: number, M: number, C: number): void;
  /** (x, mean, var, scratch[2C+8], M, C, scale): bn_stats in one streaming pass per moment (C ≥ 4). */
  bnp_stats(x: number, mean: number, variance: number, scratch: number, M: number, C: number, scale: number): void;
  /** (x, mean, rstd, gamma, beta, alpha|0, y, scratch[5P], M, C): BN apply, then PReLU when alpha != 0. */
  bnp_forward(
    x: number,
    mean: number,
    rstd: number,
    gamma: number,
    beta: number,
    alpha: number,
    y: number,
    scratch: number,
    M: number,
    C: number,
  ): void;
  /** (x, dy, mean, rstd, gamma, beta, alpha|0, dx, dgamma, dbeta, dalpha|0, scratch, M, C, Mf): backward of PReLU(BN(x)) or BN(x) (C ≥ 4). */
  bnp_grad(
    x: number,
    dy: number,
    mean: number,
    rstd: number,
    gamma: number,
    beta: number,
    alpha: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    dalpha: number,
    scratch: number,
    M: number,
    C: number,
    Mf: number,
  ): void;
  /** (rm, rv, mean, var, newMean, newVar, C, 1 − momentum, momentum, n/(n−1) or 0): BatchNorm running statistics. */
  bn_running(
    rm: number,
    rv: number,
    mean: number,
    variance: number,
    nm: number,
    nv: number,
    C: number,
    a: number,
    b: number,
    s: number,
  ): void;
  /** (x, dy, dx, N, H, W, C, K, OH, OW, isMax, mult): gradient of k×k stride-k unpadded max/avg pooling. */
  pool_grad_k(
    x: number,
    dy: number,
    dx: number,
    N: number,
    H: number,
    W: number,
    C: number,
    K: number,
    OH: number,
    OW: number,
    isMax: number,
    mult: number,
  ): void;
  /** (dy, dx, tmp, nz, aw|0, ah|0, N, h, w, H, W, C): bilinear-resize backward along W then H. */
  resize_bilinear_grad(
    dy: number,
    dx: number,
    tmp: number,
    nz: number,
    aw: number,
    ah: number,
    N: number,
    h: number,
    w: number,
    H: number,
    W: number,
    C: number,
  ): void;
  /** (x, y, n): y = x·relu6(x + 3)/6 in one pass (inference). */
  hardswish(x: number, y: number, n: number): void;
  /** (x [N,M,C], s [N,C], y, g scratch [C], N, M, C, slope, offset): y = x·clip(s·slope + offset, 0, 1). */
  hsig_gate(
    x: number,
    s: number,
    y: number,
    g: number,
    N: number,
    M: number,
    C: number,
    slope: number,
    offset: number,
  ): void;
  /** (src, dst, rows, n, srcStride, dstStride): row-wise copy of n floats (Concat / SplitV). */
  strided_copy(src: number, dst: number, rows: number, n: number, srcStride: number, dstStride: number): void;
  /**
   * (x, m, v, g, xo, mo, vo, n, &β1ᵗ, &β2ᵗ, β1, 1 − β1, β2, 1 − β2, ε, −lr, wd, decay, k, scale): one Adam step
   * of one variable, rounding as tfjs's AdamOptimizer (see kernels.c; adam-kernel.ts).
   */
  adam_update(
    x: number,
    m: number,
    v: number,
    g: number,
    xo: number,
    mo: number,
    vo: number,
    n: number,
    acc1: number,
    acc2: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    eps: number,
    nlr: number,
    wd: number,
    decay: number,
    k: number,
    scale: number,
  ): void;
}

/** The slice of the WebAssembly JS API used here (this package's TS lib has no DOM/wasm types). */
interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...a: never[]) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WasmBackendLike {
  wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const modules = new Map<boolean, object>();
let enabled = true;

/** Tests only: turn our module off (true again restores it) to exercise the composed fallbacks. */
export function setNativeKernelsEnabled(on: boolean): void {
  enabled = on;
}
const instances = new WeakMap<object, NativeKernels | null>();

/** Compiles kernels.wasm (or kernels-shared.wasm for the threaded heap) once per process. */
function compiled(shared: boolean): object {
  let m = modules.get(shared);
  if (!m) {
    const file = new URL(shared ? './kernels-shared.wasm' : './kernels.wasm', import.meta.url);
    m = new WA.Module(fs.readFileSync(file));
    modules.set(shared, m);
  }
  return m;
}

/**
 * Our SIMD kernels instantiated on the wasm backend's own memory (no copies), or null when the
 * heap cannot be found (then callers use their composed-kernel path). Cached per backend.
 */
export function nativeKernels(backend: unknown): NativeKernels | null {
  const b = backend as WasmBackendLike;
  if (!enabled) return null;
  if (instances.has(b)) return instances.get(b)!;
  let out: NativeKernels | null = null;
  const memory = b.wasm?.wasmMemory ?? b.wasm?.asm?.memory;
  if (memory instanceof WA.Memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    out = new WA.Instance(compiled(shared), { env: { memory } }).exports as unknown as NativeKernels;
  }
  instances.set(b, out);
  return out;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapPtr(backend: unknown, t: tf.TensorInfo): number {
  const d = (backend as WasmBackendLike).dataIdMap.get(t.dataId);
  if (!d) throw new Error('wasm kernel: tensor data not found on the wasm backend');
  return d.memoryOffset;
}

/** A new float32 output tensor on the wasm backend. */
export function makeOutput(backend: unknown, shape: number[]): tf.TensorInfo {
  return (backend as WasmBackendLike).makeOutput(shape, 'float32');
}
