import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { activeBackend, autoOrder, initBackend } from '../backend.ts';
import { dilatedConv2d, dilatedDepthwiseConv2d } from '../ops/dilated-conv.ts';
import { batchNormTrain } from '../ops/batch-norm-train.ts';
import { maxPoolK } from '../ops/pool.ts';
import { resizeBilinear } from '../ops/resize-bilinear.ts';
import { useBackend } from '../testing.ts';
import { dawnEntry, probeDawn, usableAdapter, type DawnAdapter } from './dawn.ts';
import { canReadSync, releaseWebGpu, webgpuAdapter } from './node-webgpu.ts';

/**
 * The webgpu backend on Dawn's null adapter (KD_DAWN_BACKEND=null): it accepts and dispatches
 * every command and computes nothing, so these tests check selection, dispatch (which kernels
 * run), shapes and freeing, never values. Value parity with cpu is scripts/device-check.sh.
 */
const skip = dawnEntry() ? '' : 'the optional npm package `webgpu` is not installed';
const real = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100' };
const nul = { vendor: '', architecture: '', device: 'null-backend', description: '' };

/** The kernels one call of `f` runs (tfjs's profiler records every kernel by name). */
async function kernelsOf(f: () => tf.TensorContainer): Promise<string[]> {
  const p = await tf.profile(() => f() as tf.Tensor[]);
  tf.dispose(p.result as tf.Tensor[]);
  return p.kernelNames;
}

/** Gradients of sum(op(x, …)) w.r.t. every input (the backward pass under test); the extra inputs are freed. */
const gradsOf = (op: (...xs: tf.Tensor[]) => tf.Tensor, xs: () => tf.Tensor[]) =>
  tf.tidy(() => tf.grads((...a: tf.Tensor[]) => op(...a).sum())(xs()));

const x8 = () => tf.randomNormal([2, 16, 16, 16], 0, 1, 'float32', 1) as tf.Tensor4D; // 8192 elements: above the Kd* threshold
const CASES: [string, (x: tf.Tensor4D) => tf.Tensor[]][] = [
  [
    'resizeBilinear (half-pixel)',
    (x) =>
      gradsOf(
        (a) => resizeBilinear(a as tf.Tensor4D, [24, 20]),
        () => [x],
      ),
  ],
  [
    'dilatedConv2d d=2',
    (x) =>
      gradsOf(
        (a, w) => dilatedConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 2),
        () => [x, tf.ones([3, 3, 16, 4])],
      ),
  ],
  [
    'dilatedDepthwiseConv2d d=3',
    (x) =>
      gradsOf(
        (a, w) => dilatedDepthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 3, 3),
        () => [x, tf.ones([3, 3, 16, 1])],
      ),
  ],
  [
    'batchNormTrain',
    (x) =>
      gradsOf(
        (a, g, b) => batchNormTrain(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5),
        () => [x, tf.ones([16]), tf.zeros([16])],
      ),
  ],
  [
    'maxPoolK 2×2',
    (x) =>
      gradsOf(
        (a) => maxPoolK(a as tf.Tensor4D, 2),
        () => [x],
      ),
  ],
];

describe.skipIf(skip)(`webgpu backend on Dawn's null adapter${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const saved = process.env.KD_DAWN_BACKEND;
  afterAll(() => {
    releaseWebGpu();
    if (saved === undefined) delete process.env.KD_DAWN_BACKEND;
    else process.env.KD_DAWN_BACKEND = saved;
  });

  it('auto takes only a real adapter, for async readers only; --backend webgpu takes any', () => {
    const probe = (adapter: DawnAdapter['adapter']): DawnAdapter => ({
      options: [],
      adapter,
      isNull: adapter?.device === 'null-backend',
    });
    expect([real, nul, null].map((a) => [usableAdapter(probe(a), false), usableAdapter(probe(a), true)])).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
    // and only for callers that read tensors asynchronously (webgpu in Node has no dataSync)
    expect(autoOrder(true)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    expect(autoOrder(false)).toEqual(['tensorflow', 'wasm', 'cpu']);
  });

  it("probes Dawn in a child: the null adapter, and Dawn's own error for a bad option", () => {
    const ok = probeDawn(['backend=null']);
    expect(ok).toEqual({ options: ['backend=null'], adapter: nul, isNull: true, reason: undefined });
    const bad = probeDawn(['backend=bogus']);
    expect(bad.adapter).toBeNull();
    expect(bad.reason).toMatch(/^the Dawn probe failed \(exit 1\): Error: unrecognised backend 'bogus'/);
  });

  it('--backend webgpu: a clear error without an adapter, then the null adapter with KD_DAWN_BACKEND=null', async () => {
    process.env.KD_DAWN_BACKEND = 'bogus';
    await expect(initBackend({ backend: 'webgpu', quiet: true })).rejects.toThrow(
      /^--backend: 'webgpu' needs a WebGPU adapter; the Dawn probe failed .*unrecognised backend 'bogus'.*KD_DAWN_BACKEND=null/,
    );
    expect(activeBackend()).toBeNull();
    process.env.KD_DAWN_BACKEND = 'null';
    const info = await initBackend({ backend: 'webgpu', quiet: true });
    expect(info).toEqual({ name: 'webgpu', threads: 1, simd: false, adapter: 'null adapter', label: 'webgpu-null' });
    expect(tf.getBackend()).toBe('webgpu');
    expect(webgpuAdapter()).toEqual({ label: 'null adapter', isNull: true });
    await expect(initBackend({ backend: 'wasm' })).rejects.toThrow(
      "--backend: 'wasm' requested but 'webgpu' is already initialised in this process",
    );
  });

  it('custom ops dispatch by kernel name: wasm runs the Kd* kernels, webgpu the composed graphs, never tfjs ResizeBilinearGrad', async () => {
    await useBackend('wasm');
    const onWasm = await kernelsOf(() => CASES.flatMap(([, f]) => f(x8())));
    for (const k of ['KdResizeBilinearGrad', 'KdBatchNormGrad', 'KdPoolGrad']) expect(onWasm).toContain(k);
    expect(await tf.setBackend('webgpu')).toBe(true);
    for (const [name, f] of CASES) {
      const before = tf.memory().numTensors;
      const x = x8();
      let shapes: number[][] = [];
      const names = await kernelsOf(() => {
        const g = f(x);
        shapes = g.map((t) => t.shape);
        return g;
      });
      expect(
        names.filter((k) => k.startsWith('Kd')),
        name,
      ).toEqual([]);
      expect(names, name).not.toContain('ResizeBilinearGrad');
      expect(names.length, name).toBeGreaterThan(3);
      expect(shapes[0], name).toEqual([2, 16, 16, 16]);
      x.dispose();
      expect(tf.memory().numTensors, `${name}: tensors left`).toBe(before);
    }
    const resize = await kernelsOf(() => CASES[0][1](x8()));
    expect(resize).toContain('BatchMatMul'); // the exact half-pixel gradient: dyᵀ·A as matmuls
  });

  it('dispatches a training step (Adam) and frees it; a sync read names the fix; canReadSync says so', async () => {
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    const init = tf.randomNormal([3, 3, 16, 8], 0, 0.1, 'float32', 2);
    const w = tf.variable(init);
    const x = x8();
    const opt = tf.train.adam(1e-3);
    const cost = opt.minimize(
      () =>
        tf
          .conv2d(x, w as tf.Tensor4D, 1, 'same')
          .square()
          .mean() as tf.Scalar,
      true,
    )!;
    expect((await cost.data()).length).toBe(1); // null adapter: the value is meaningless, the read works
    expect(() => tf.tidy(() => tf.matMul(x.reshape([32, 256]), x.reshape([256, 32])).dataSync())).toThrow(
      /^webgpu backend \(Node\): dataSync\(\)\/arraySync\(\) of a tensor on the GPU is not possible .*await t\.data\(\)/,
    );
    expect(canReadSync()).toBe(false);
    await tf.setBackend('cpu');
    expect(canReadSync()).toBe(true);
    await tf.setBackend('webgpu');
    tf.dispose([cost, x, w, init]);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failed GPU command is named at the read (not a bare AbortError), and the backend goes on', async () => {
    await tf.setBackend('webgpu');
    const a = tf.fill([2 * 1024 * 1024], 1);
    const big = tf.tile(a, [80]); // 640 MiB: over the null adapter's 256 MiB buffer limit
    await expect(big.data()).rejects.toThrow(
      /^webgpu backend: a GPU command failed: Buffer size \(671088640\) exceeds the max buffer size limit/,
    );
    tf.dispose([a, big]);
    const ok = tf.add(tf.ones([300]), 1);
    expect((await ok.data()).length).toBe(300);
    ok.dispose();
  });
});
