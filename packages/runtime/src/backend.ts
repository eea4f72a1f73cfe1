import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { UsageError, assertOneOf, parseIntFlag } from '@kd/core';
import { registerWasmGradKernels } from './wasm-grad/register.ts';
import { initWasmThreaded } from './wasm-threads.ts';
import { adapterLabel, probeDawn, usableAdapter, type DawnAdapter } from './webgpu/dawn.ts';
import { initWebGpu } from './webgpu/node-webgpu.ts';

export { canReadSync, releaseWebGpu, webgpuAdapter } from './webgpu/node-webgpu.ts';
export { probeDawn, dawnOptions, usableAdapter, type DawnAdapter } from './webgpu/dawn.ts';

import type { BackendInfo } from '@kd/core';

const require = createRequire(import.meta.url);

/** In `auto`'s order of preference after `auto` itself. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export type { BackendInfo };

export interface BackendOptions {
  /** Overrides KD_BACKEND. */
  backend?: string;
  /** Overrides KD_THREADS (wasm only). */
  threads?: number | string;
  /** Do not print the one-line backend summary. */
  quiet?: boolean;
  /**
   * The caller reads tensor values only asynchronously (`await t.data()`), so `auto` may pick
   * `webgpu`: in Node that backend cannot read synchronously (dataSync/arraySync throw there).
   * Without it `auto` skips webgpu; an explicit `--backend webgpu` is always honoured.
   */
  readsAsync?: boolean;
}

let active: BackendInfo | null = null;

/** The backend chosen by `initBackend`, or null before it ran. */
export function activeBackend(): BackendInfo | null {
  return active;
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** True when the package is installed *and* its native binding file was built/downloaded. */
export function nativeBindingPresent(pkg: string): boolean {
  try {
    const lib = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'lib');
    return fs.readdirSync(lib).some((d) => fs.existsSync(path.join(lib, d, 'tfjs_binding.node')));
  } catch {
    return false;
  }
}

/** The backends `auto` tries, in order, for a caller that does (not) read only asynchronously. */
export function autoOrder(readsAsync: boolean): BackendInfo['name'][] {
  return readsAsync ? ['tensorflow', 'webgpu', 'wasm', 'cpu'] : ['tensorflow', 'wasm', 'cpu'];
}

/**
 * Selects and initialises the tfjs backend once per process.
 * `auto`: `tensorflow` via tfjs-node-gpu (then tfjs-node) only when its binding file exists,
 * else (for callers with `readsAsync`) `webgpu` when Dawn (npm `webgpu`) finds a real adapter (not its null adapter), else `wasm`
 * (SIMD, with the missing gradient kernels registered), else `cpu`.
 * `webgpu` explicitly also accepts Dawn's null adapter (KD_DAWN_BACKEND=null: it dispatches and
 * computes nothing; for CI). KD_BACKEND / KD_THREADS are read when the options leave them out.
 */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const choice = assertOneOf('--backend', opts.backend ?? process.env.KD_BACKEND ?? 'auto', BACKEND_CHOICES);
  const threads = parseIntFlag('--threads (KD_THREADS)', opts.threads ?? process.env.KD_THREADS ?? 1, { min: 1 });
  if (active) {
    if (choice !== 'auto' && choice !== active.name) {
      throw new UsageError(
        `--backend: '${choice}' requested but '${active.name}' is already initialised in this process`,
      );
    }
    return active;
  }
  tf.enableProdMode(); // also silences tfjs's "install the node backend" banner
  let info: BackendInfo | null = null;
  if (choice === 'auto' || choice === 'tensorflow') {
    const pkg = NATIVE_PACKAGES.find(nativeBindingPresent);
    if (pkg) {
      require(pkg);
      await tf.setBackend('tensorflow');
      info = {
        name: 'tensorflow',
        threads: 1,
        simd: true,
        nativePackage: pkg,
        label: pkg.endsWith('gpu') ? 'tensorflow-gpu' : 'tensorflow',
      };
    } else if (choice === 'tensorflow') {
      throw new UsageError(
        `--backend: 'tensorflow' needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node with its native binding; none is built here ` +
          `(its install downloads libtensorflow). Use --backend wasm or cpu.`,
      );
    }
  }
  if (!info && (choice === 'webgpu' || (choice === 'auto' && autoOrder(opts.readsAsync ?? false).includes('webgpu'))))
    info = await tryWebGpu(choice === 'webgpu');
  if (!info && (choice === 'auto' || choice === 'wasm')) {
    registerWasmGradKernels();
    let ok: boolean;
    if (threads > 1) ok = await initWasmThreaded(threads);
    else {
      wasm.setThreadsCount(1);
      ok = await tf.setBackend('wasm');
    }
    if (ok) {
      await tf.ready();
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const t = wasm.getThreadsCount();
      info = { name: 'wasm', threads: t, simd, label: `wasm${simd ? '-simd' : ''}-${t}t` };
    } else if (choice === 'wasm') {
      throw new UsageError(`--backend: the wasm backend failed to initialise`);
    }
  }
  if (!info) {
    await tf.setBackend('cpu');
    await tf.ready();
    info = { name: 'cpu', threads: 1, simd: false, label: 'cpu' };
  }
  active = info;
  if (!opts.quiet) {
    const what = info.nativePackage ?? info.adapter;
    console.error(
      `kdlab backend: ${info.name}${what ? ` (${what})` : ''}, threads ${info.threads}, simd ${info.simd ? 'on' : 'off'}`,
    );
  }
  return info;
}

/**
 * `webgpu` when Dawn has an adapter: any adapter when `required` (explicit --backend webgpu),
 * else only a real one. Throws a UsageError naming Dawn's reason when required and impossible.
 */
async function tryWebGpu(required: boolean): Promise<BackendInfo | null> {
  const probe: DawnAdapter = probeDawn();
  if (!usableAdapter(probe, required)) {
    if (!required) return null;
    throw new UsageError(
      `--backend: 'webgpu' needs a WebGPU adapter; ${probe.reason ?? 'none found'}. A GPU needs its driver and the Vulkan loader (libvulkan1); ` +
        `KD_DAWN_BACKEND=null selects Dawn's null adapter (runs, computes nothing). Use --backend wasm or cpu.`,
    );
  }
  if (!(await initWebGpu(probe))) {
    if (!required) return null;
    throw new UsageError(`--backend: the webgpu backend failed to initialise on ${adapterLabel(probe.adapter)}`);
  }
  return {
    name: 'webgpu',
    threads: 1,
    simd: false,
    adapter: adapterLabel(probe.adapter),
    label: probe.isNull ? 'webgpu-null' : 'webgpu',
  };
}
