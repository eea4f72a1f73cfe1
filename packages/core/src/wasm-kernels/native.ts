import fs from 'node:fs';
import type * as tf from '@tensorflow/tfjs';

/** The exports of kernels.c (see there for the math). Pointers are byte offsets in the tfjs heap. */
export interface NativeKernels {
  /** (x, out, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  im2col_t(...a: number[]): void;
  /** (cols, dx, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  col2im(...a: number[]): void;
  /** (x, dy, dW, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  dw_filter_grad(...a: number[]): void;
  /** (dy, w, dx, N, H, W, C, KH, KW, sh, sw, dh, dw, pt, pl, OH, OW) */
  dw_input_grad(...a: number[]): void;
  /** (x, out, B, M, C, scale): out[b,c] = scale · Σ_m x[b,m,c] */
  channel_sum(x: number, out: number, B: number, M: number, C: number, scale: number): void;
}

/** The slice of the WebAssembly JS API used here (this package's TS lib has no DOM/wasm types). */
interface WasmMemory { buffer: ArrayBuffer | SharedArrayBuffer }
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
