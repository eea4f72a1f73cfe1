import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input.ts';
import { depthwiseBackpropFilterWasm } from './depthwise-backprop-filter.ts';
import { depthwiseBackpropInputWasm } from './depthwise-backprop-input.ts';

let replaced = false;

/**
 * Registers the three gradient kernels stock tfjs-backend-wasm 4.22 lacks (it cannot train a
 * conv net without them) and replaces its slow Conv2DBackpropInput. Kernel-level registration
 * covers tf.conv2d, tf.fused.conv2d and layers. Idempotent; returns the names it (re)registered.
 */
export function registerWasmGradKernels(): string[] {
  if (!replaced) {
    replaced = true;
    if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  }
  const kernels: Record<string, tf.KernelFunc> = {
    Conv2DBackpropFilter: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
    DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc,
    DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputWasm as unknown as tf.KernelFunc,
    Conv2DBackpropInput: conv2dBackpropInputWasm as unknown as tf.KernelFunc,
  };
  const added: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
      added.push(kernelName);
    }
  }
  return added;
}
