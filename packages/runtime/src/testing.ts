import * as tf from '@tensorflow/tfjs';
import { registerWasmGradKernels } from './wasm-grad/register.ts';

/**
 * Test helper: makes both `cpu` and `wasm` usable in one process and switches between them.
 * Tests that compare backends call `await useBackend('cpu')` / `await useBackend('wasm')`.
 */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  tf.enableProdMode();
  if (name === 'wasm') registerWasmGradKernels();
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`backend ${name} failed to initialise`);
  }
  await tf.ready();
}

/** Max |a − b| over two equal-shape tensors. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
