import * as tf from '@tensorflow/tfjs';
import { heapPtr, makeOutput, nativeKernels } from './wasm-kernels/native.ts';
import type { KernelArgs } from './wasm-grad/kernel-context.ts';

/**
 * KdAdam: tfjs's Adam step (AdamOptimizer.applyGradients) for a group of variables in one kernel
 * call on wasm (kernels.c `adam_update`), instead of ~14 elementwise kernels per variable. Every
 * operation rounds to float32 in tfjs's order, so θ', m', v' are bit-identical to tf.train.adam's.
 * For variable i (any shape, float32):
 *   inputs  x{i} = θ, m{i}, v{i} (its moment slots), g{i} (its gradient), all of θ's shape;
 *           acc1, acc2: float32 scalars β1ᵗ, β2ᵗ (tfjs's accBeta1/accBeta2 before this step's update)
 *   attrs   beta1, beta2, epsilon, learningRate; decay[i]: coupled weight decay (0 = none);
 *           scale[i]: a gradient multiplier (1 = none)
 *   outputs [θ'₀, m'₀, v'₀, θ'₁, …]
 *   g ← (g + θ·decay)·scale;  m' = β1·m + (1 − β1)·g;  v' = β2·v + (1 − β2)·g²;
 *   θ' = θ − lr·(m'/(1 − β1ᵗ)) / (√(v'/(1 − β2ᵗ)) + ε)            (Kingma & Ba 2015, Alg. 1)
 * Registered on wasm only. Not differentiable (an optimizer step).
 */
export const ADAM_KERNEL = 'KdAdam';

/** Adam's scalars for one step; numbers as tfjs's AdamOptimizer holds them (rounded to float32 on use). */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/** One variable's part of a KdAdam call. */
export interface AdamItem {
  x: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  g: tf.Tensor;
  /** Coupled weight decay added to g (0 or absent = none). */
  decay?: number;
  /** Multiplies g after the decay (1 or absent = none). */
  scale?: number;
}

interface AdamAttrs extends AdamHyper {
  decay: number[];
  scale: number[];
}

function adamKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const native = nativeKernels(backend);
  if (!native) throw new Error('KdAdam (wasm): the SIMD module is unavailable');
  const { beta1, beta2, epsilon, learningRate, decay, scale } = attrs as unknown as AdamAttrs;
  const at = (name: string) => {
    const t = inputs[name] as tf.TensorInfo | undefined;
    if (!t) throw new Error(`KdAdam: input '${name}' is missing`);
    if (t.dtype !== 'float32') throw new Error(`KdAdam: input '${name}' must be float32, got ${t.dtype}`);
    return t;
  };
  const acc1 = heapPtr(backend, at('acc1'));
  const acc2 = heapPtr(backend, at('acc2'));
  const groups = decay.map((_, i) => {
    const [x, m, v, g] = ['x', 'm', 'v', 'g'].map((k) => at(`${k}${i}`));
    for (const [k, t] of [
      ['m', m],
      ['v', v],
      ['g', g],
    ] as const)
      if (!tf.util.arraysEqual(t.shape, x.shape))
        throw new Error(`KdAdam: ${k}${i} has shape [${t.shape}], expected x${i}'s [${x.shape}]`);
    return { x, m, v, g };
  });
  const outs: tf.TensorInfo[] = [];
  groups.forEach(({ x, m, v, g }, i) => {
    const [xo, mo, vo] = [0, 1, 2].map(() => makeOutput(backend, [...x.shape]));
    native.adam_update(
      heapPtr(backend, x),
      heapPtr(backend, m),
      heapPtr(backend, v),
      heapPtr(backend, g),
      heapPtr(backend, xo),
      heapPtr(backend, mo),
      heapPtr(backend, vo),
      tf.util.sizeFromShape(x.shape),
      acc1,
      acc2,
      beta1,
      1 - beta1, // tfjs: mul(gradient, 1 - this.beta1), the difference in double, then float32
      beta2,
      1 - beta2,
      epsilon,
      -learningRate,
      decay[i],
      decay[i] !== 0 ? 1 : 0,
      scale[i],
      scale[i] !== 1 ? 1 : 0,
    );
    outs.push(xo, mo, vo);
  });
  return outs;
}

/** Registers KdAdam on wasm (idempotent). */
export function registerAdamKernel(): void {
  if (!tf.getKernel(ADAM_KERNEL, 'wasm'))
    tf.registerKernel({
      kernelName: ADAM_KERNEL,
      backendName: 'wasm',
      kernelFunc: adamKernel as unknown as tf.KernelFunc,
    });
}

/**
 * True when the active backend runs KdAdam with our SIMD module (wasm); false elsewhere (cpu,
 * tensorflow, webgl, webgpu), when the module is off (`setNativeKernelsEnabled(false)`) or with
 * KD_FUSED_ADAM=0 in the environment (to time tfjs's own Adam against it).
 */
export function adamKernelUsable(): boolean {
  if (process.env.KD_FUSED_ADAM === '0') return false;
  registerAdamKernel();
  return tf.getKernel(ADAM_KERNEL, tf.getBackend()) != null && nativeKernels(tf.backend()) !== null;
}

/**
 * One Adam step of `items` in one KdAdam call (check `adamKernelUsable()` first): the new θ, m, v
 * of each item, new tensors (the inputs are not modified). `acc1`, `acc2`: β1ᵗ, β2ᵗ.
 */
export function adamUpdate(
  items: readonly AdamItem[],
  acc1: tf.Tensor,
  acc2: tf.Tensor,
  hyper: AdamHyper,
): [tf.Tensor, tf.Tensor, tf.Tensor][] {
  if (items.length === 0) return [];
  registerAdamKernel();
  const inputs: tf.NamedTensorMap = { acc1, acc2 };
  items.forEach(({ x, m, v, g }, i) =>
    Object.assign(inputs, { [`x${i}`]: x, [`m${i}`]: m, [`v${i}`]: v, [`g${i}`]: g }),
  );
  const attrs = {
    ...hyper,
    decay: items.map((it) => it.decay ?? 0),
    scale: items.map((it) => it.scale ?? 1),
  };
  const out = tf.engine().runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return items.map((_, i) => [out[3 * i], out[3 * i + 1], out[3 * i + 2]]);
}
