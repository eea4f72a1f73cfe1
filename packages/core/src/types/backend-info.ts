/** Which tfjs backend a run uses (chosen by @kd/runtime's `initBackend`); plain data for result rows and run folders. */
export interface BackendInfo {
  /** The tfjs backend actually running. */
  name: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  /** Worker threads of the wasm backend (1 elsewhere: native, webgpu and cpu manage their own). */
  threads: number;
  simd: boolean;
  /** The native package that provides `tensorflow`, when that backend is active. */
  nativePackage?: string;
  /** The WebGPU adapter (Dawn) when `webgpu` is active, e.g. `null adapter` or a GPU's name. */
  adapter?: string;
  /** A short label for result rows, e.g. `wasm-simd-1t`, `webgpu`, `webgpu-null`. */
  label: string;
}
