import * as tf from '@tensorflow/tfjs';
import { adapterLabel, dawnEntry, type DawnAdapter } from './dawn.ts';

/**
 * @tensorflow/tfjs-backend-webgpu 4.22 on Dawn in Node. The backend was written for browsers;
 * these shims make it run in Node (each is the smallest change that does):
 *
 * 1. `globalThis.navigator.gpu` = Dawn's GPU object (created with the probe's options). The
 *    backend registers itself at import only when `navigator.gpu` exists and asks it for its
 *    adapter. Node 20 has no `navigator` (one is defined as `{ gpu }`); Node ≥ 21 has one without
 *    `gpu` (the property is added).
 * 2. The WebGPU constant namespaces and interface classes (`GPUBufferUsage`, `GPUMapMode`,
 *    `GPUShaderStage`, `GPUTextureUsage`, …) as globals, as a browser has them: the backend reads
 *    them as globals. Only names that are missing are set.
 * 3. The backend module is imported after 1 and 2 (a dynamic import), so its registration runs.
 * 4. `readSync` (behind `dataSync`/`arraySync`) of a tensor that lives on the GPU: the backend
 *    reads through an `OffscreenCanvas`, which Node lacks (a ReferenceError deep in tfjs), and
 *    Dawn in Node has no synchronous buffer map at all. The shim throws one clear error naming
 *    the fix (`await t.data()`); tensors whose values are on the CPU still read synchronously.
 * 5. GPU errors (out of memory, validation) reach Dawn's `uncapturederror` event and tfjs never
 *    looks; the read that follows then rejects with a bare `AbortError`. The first such error is
 *    kept and a failed read rethrows it: `webgpu backend: a GPU command failed: Out of memory. …`.
 * 6. `releaseWebGpu()` destroys the device and drops `navigator.gpu`: while Dawn's GPU object is
 *    referenced, Dawn may keep Node's event loop alive.
 */

interface GlobalWithNavigator {
  navigator?: { gpu?: unknown };
}

let installed: { label: string; isNull: boolean } | null = null;
let released = false;

/** The adapter label and null-ness of the webgpu backend set up in this process, or null. */
export function webgpuAdapter(): { label: string; isNull: boolean } | null {
  return installed;
}

/**
 * False while the active backend is webgpu under Node, where tensors on the GPU cannot be read
 * synchronously (shim 4): code that only peeks at a value (a dry run, a log) can skip the read.
 */
export function canReadSync(): boolean {
  return !(
    installed &&
    tf.getBackend() === 'webgpu' &&
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined'
  );
}

/** Shim 1 and 2: Dawn's GPU object on `navigator.gpu`, the WebGPU globals where missing. */
async function installGlobals(options: string[]): Promise<void> {
  const entry = dawnEntry();
  if (!entry) throw new Error('webgpu backend: the optional npm package `webgpu` is not installed');
  const dawn = (await import(entry)) as { create: (o: string[]) => unknown; globals: Record<string, unknown> };
  const g = globalThis as unknown as Record<string, unknown> & GlobalWithNavigator;
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v;
  const gpu = dawn.create(options);
  if (g.navigator == null) g.navigator = { gpu };
  else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true, enumerable: true });
}

const READ_SYNC_ERROR =
  'webgpu backend (Node): dataSync()/arraySync() of a tensor on the GPU is not possible (Dawn in Node has no synchronous buffer read); ' +
  'read it with `await t.data()` / `await t.array()`, or use --backend wasm for this command';

/** Shim 4: a clear error in place of the browser-only synchronous read path. */
const patched = new WeakSet<object>();
function patchReadSync(backend: tf.KernelBackend): void {
  if (patched.has(backend)) return;
  patched.add(backend);
  const b = backend as unknown as {
    readSync: (id: object) => unknown;
    tensorMap: { get(id: object): { values?: unknown; dtype: string } };
  };
  const original = b.readSync.bind(b);
  b.readSync = (dataId: object) => {
    const d = b.tensorMap.get(dataId);
    if (
      d.values != null ||
      d.dtype === 'string' ||
      typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined'
    )
      return original(dataId);
    throw new Error(READ_SYNC_ERROR);
  };
}

/**
 * Sets up and activates tfjs's `webgpu` backend on the adapter a probe found (see `probeDawn`).
 * Returns false (after a warning from tfjs) when the backend fails to initialise.
 */
export async function initWebGpu(probe: DawnAdapter): Promise<boolean> {
  if (!probe.adapter) throw new Error(`webgpu backend: no adapter (${probe.reason ?? 'unknown reason'})`);
  if (released) throw new Error('webgpu backend: released in this process (releaseWebGpu); it cannot be set up again');
  if (!installed) {
    await installGlobals(probe.options);
    await import('@tensorflow/tfjs-backend-webgpu' as string);
  }
  if (tf.findBackendFactory('webgpu') == null)
    throw new Error(
      'webgpu backend: @tensorflow/tfjs-backend-webgpu did not register (navigator.gpu missing at import)',
    );
  const ok = await tf.setBackend('webgpu');
  if (!ok) return false;
  await tf.ready();
  if (!patched.has(tf.backend())) patchErrors(tf.backend());
  patchReadSync(tf.backend());
  installed = { label: adapterLabel(probe.adapter), isNull: probe.isNull };
  return true;
}

/** Shim 5: GPU errors named at the read that fails because of them. */
function patchErrors(backend: tf.KernelBackend): void {
  const b = backend as unknown as {
    device: { onuncapturederror: ((ev: { error?: { message?: string } }) => void) | null };
    read: (id: object) => Promise<unknown>;
  };
  let first: string | null = null;
  b.device.onuncapturederror = (ev) => {
    first ??= (ev.error?.message ?? String(ev))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
  };
  const read = b.read.bind(b);
  b.read = async (dataId: object) => {
    try {
      return await read(dataId);
    } catch (e) {
      if (first) throw new Error(`webgpu backend: a GPU command failed: ${first}`);
      throw e;
    }
  };
}

/**
 * Shim 6: disposes the webgpu backend (its device) and drops Dawn's GPU object so Node can exit.
 * Final: tfjs drops the backend's factory with it, so webgpu cannot be set up again in this process.
 */
export function releaseWebGpu(): void {
  if (!installed) return;
  released = true;
  if (tf.findBackend('webgpu') != null) tf.removeBackend('webgpu');
  const g = globalThis as unknown as GlobalWithNavigator;
  if (g.navigator && 'gpu' in g.navigator) delete g.navigator.gpu;
  installed = null;
}
