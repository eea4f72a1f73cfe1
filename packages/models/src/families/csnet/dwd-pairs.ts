import type * as tf from '@tensorflow/tfjs';

/**
 * A (BN γ, activation) pair for CSNet's dynamic weight decay: γ of one branch's BN in an
 * ILBlock sub-layer and that branch's output after BN → PReLU ([N,H,W,C]). Structurally the
 * losses package's `BnActivationPair` (models does not import losses).
 */
export interface DwdPair {
  name: string;
  gamma: tf.Tensor1D;
  activation: tf.Tensor4D;
}

let sink: DwdPair[] | null = null;

/** ILBlock sub-layers call this with their branch outputs while a collection is active. */
export function reportDwdPair(pair: DwdPair): void {
  if (sink) sink.push(pair);
}

/**
 * Runs `fn` (a CSNet forward) and returns its result with every ILBlock (γ, activation) pair it
 * produced — the official training hooks conv1x1, conv3x3_1 and conv3x3_2 of every ILBlock.
 * Not re-entrant.
 */
export function collectDwdPairs<T>(fn: () => T): { result: T; pairs: DwdPair[] } {
  if (sink) throw new Error('collectDwdPairs: already collecting');
  sink = [];
  try {
    const result = fn();
    return { result, pairs: sink };
  } finally {
    sink = null;
  }
}
