import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { leadingAxesReducer } from './channel-reduce.ts';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input.ts';
import { depthwiseBackpropFilterWasm } from './depthwise-backprop-filter.ts';
import { depthwiseBackpropInputWasm } from './depthwise-backprop-input.ts';
import { identitySharedWasm } from './identity-shared.ts';
import { maxPoolGradWasm } from './max-pool-grad.ts';
import { registerTrainKernels } from './train-kernels.ts';
import { registerInferenceKernels } from '../infer-kernels.ts';

let replaced = false;

/** Swaps a stock wasm kernel for ours, keeping its setupFunc (the wasm function binding). */
function replaceKernel(kernelName: string, make: (stock: tf.KernelFunc) => tf.KernelFunc): void {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (!stock) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: make(stock.kernelFunc),
  });
}

/**
 * Registers the three gradient kernels stock tfjs-backend-wasm 4.22 lacks (it cannot train a
 * conv net without them) and replaces its slow Conv2DBackpropInput. Also replaces Identity
 * (zero-copy; tfjs clones every tensor it saves for backprop), Sum/Mean over leading axes
 * (no transpose) and MaxPoolGrad (the stock one misroutes the gradient of all-negative windows).
 * Kernel-level registration covers tf.conv2d, tf.fused.conv2d and layers.
 * Must run before the wasm backend initialises. Idempotent; returns the names it registered.
 */
export function registerWasmGradKernels(): string[] {
  const added: string[] = [];
  if (!replaced) {
    replaced = true;
    if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    replaceKernel('Identity', () => identitySharedWasm as unknown as tf.KernelFunc);
    replaceKernel(
      'Cast',
      (stock) =>
        ((args: Parameters<tf.KernelFunc>[0]) =>
          (args.inputs.x as tf.TensorInfo).dtype === (args.attrs as { dtype: string }).dtype
            ? identitySharedWasm(args)
            : stock(args)) as tf.KernelFunc,
    );
    replaceKernel('Sum', (stock) => leadingAxesReducer('Sum', stock));
    replaceKernel('Mean', (stock) => leadingAxesReducer('Mean', stock));
    replaceKernel('MaxPoolGrad', () => maxPoolGradWasm as unknown as tf.KernelFunc);
    added.push('Identity', 'Cast', 'Sum', 'Mean', 'MaxPoolGrad');
    added.push(...registerTrainKernels(replaceKernel)); // Kd* training kernels (BN, PReLU, pools, resize), Concat, SplitV, depthwise forward
    added.push(...registerInferenceKernels()); // KdHardSwish, KdHardSigmoidGate (infer-kernels.ts)
  }
  const kernels: Record<string, tf.KernelFunc> = {
    Conv2DBackpropFilter: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
    DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc,
    DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputWasm as unknown as tf.KernelFunc,
    Conv2DBackpropInput: conv2dBackpropInputWasm as unknown as tf.KernelFunc,
  };
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
      added.push(kernelName);
    }
  }
  return added;
}
