import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` and throws if it leaves more live tensors than it found (returned tensors excluded
 * when `allowReturned` is set). Use around a train step or a metric call.
 */
export async function assertNoLeak<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor leak in ${label}: ${before} → ${after} live tensors`);
  return out;
}

/** Live tensor count; a one-liner for tests. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
