import * as tf from '@tensorflow/tfjs';
import { heapPtr, makeOutput, nativeKernels } from './wasm-kernels/native.ts';
import type { KernelArgs } from './wasm-grad/kernel-context.ts';

/**
 * Single-pass inference kernels for the wasm backend (kernels.c), used by @kd/models'
 * InferenceGraph in place of composed elementwise chains (fold/fuse-elementwise.ts). Each rounds
 * like the chain it replaces, step by step in float32, so results are bit-identical:
 *   KdHardSwish       {x}                          → x·relu6(x + 3)/6             (nn hardswish)
 *   KdHardSigmoidGate {x [N,H,W,C], s [N,1,1,C]}, {slope, offset}
 *                                                  → x ⊙ clip(s·slope + offset, 0, 1)  (MobileNetV3 SE)
 * Not differentiable (no gradients registered): inference graphs only.
 */
export const INFERENCE_KERNELS = ['KdHardSwish', 'KdHardSigmoidGate'] as const;

function native(backend: unknown) {
  const n = nativeKernels(backend);
  if (!n) throw new Error('wasm inference kernel: the SIMD module is unavailable');
  return n;
}

function hardSwish({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  if (x.dtype !== 'float32') throw new Error(`KdHardSwish: x must be float32, got ${x.dtype}`);
  const y = makeOutput(backend, [...x.shape]);
  native(backend).hardswish(heapPtr(backend, x), heapPtr(backend, y), tf.util.sizeFromShape(x.shape));
  return y;
}

function hardSigmoidGate({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const s = inputs.s as tf.TensorInfo;
  const { slope, offset } = attrs as unknown as { slope: number; offset: number };
  const [N, , , C] = x.shape;
  if (x.shape.length !== 4 || s.shape.join(',') !== `${N},1,1,${C}`)
    throw new Error(`KdHardSigmoidGate: expected x [N,H,W,C] and s [N,1,1,C], got [${x.shape}] and [${s.shape}]`);
  const y = makeOutput(backend, [...x.shape]);
  const g = makeOutput(backend, [C]);
  const M = tf.util.sizeFromShape(x.shape) / (N * C);
  const n = native(backend);
  n.hsig_gate(
    heapPtr(backend, x),
    heapPtr(backend, s),
    heapPtr(backend, y),
    heapPtr(backend, g),
    N,
    M,
    C,
    slope,
    offset,
  );
  (backend as tf.KernelBackend).disposeData(g.dataId);
  return y;
}

/** Registers the kernels above on wasm (idempotent); returns the names it registered. */
export function registerInferenceKernels(): string[] {
  const added: string[] = [];
  const kernels: Record<string, (a: KernelArgs) => tf.TensorInfo> = {
    KdHardSwish: hardSwish,
    KdHardSigmoidGate: hardSigmoidGate,
  };
  for (const [kernelName, kernelFunc] of Object.entries(kernels))
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
      added.push(kernelName);
    }
  return added;
}

/** True when the active backend runs `kernelName` (one of INFERENCE_KERNELS) with our SIMD module. */
export function inferenceKernelUsable(kernelName: (typeof INFERENCE_KERNELS)[number]): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null && nativeKernels(tf.backend()) !== null;
}
