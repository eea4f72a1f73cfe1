import type * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './kernel-context.ts';

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/**
 * Identity for wasm without a copy. tfjs clones (Identity) every tensor it saves for the backward
 * pass; the stock wasm Identity copies the buffer, so a training step duplicated all saved
 * activations (time and heap). Kernels never write into their inputs, so sharing the data id
 * with a reference count (as the cpu backend and wasm's own Reshape do) is exact.
 */
export function identitySharedWasm({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') throw new Error('Identity (wasm): string tensors are not supported');
  (backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
