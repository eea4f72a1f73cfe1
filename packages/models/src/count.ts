import * as tf from '@tensorflow/tfjs';
import { countOps, type DenseModel, type OpRecord } from '@kd/nn';

export interface ModelCount {
  /** Trainable scalars. */
  params: number;
  /** Trainable scalars plus BN running statistics (what Paddle's summary calls parameters). */
  paramsWithBuffers: number;
  /** Multiply–accumulates of one forward at the given size (conv, depthwise, dense, resize, pool). */
  macs: number;
  /** Non-MAC floating-point ops reported by the layers (activations, adds, products). */
  flops: number;
  /** MACs per op kind. */
  macsByKind: Partial<Record<OpRecord['kind'], number>>;
  ops: OpRecord[];
}

/**
 * Counts a model exactly: parameters from its variables, operations from one real eval-mode
 * forward at [batch, h, w, 3] with core's `countOps` (each layer reports what it computed).
 * The model's training flag is restored afterwards; no tensors are left behind.
 */
export function countModel(model: DenseModel, size: [number, number], batch = 1): ModelCount {
  const wasTraining = model.training;
  model.eval();
  let ops: OpRecord[] = [];
  try {
    ops = countOps(() => tf.tidy(() => void model.forward(tf.zeros([batch, size[0], size[1], 3]) as tf.Tensor4D)));
  } finally {
    model.train(wasTraining);
  }
  const macsByKind: ModelCount['macsByKind'] = {};
  for (const op of ops) macsByKind[op.kind] = (macsByKind[op.kind] ?? 0) + op.macs;
  const params = model.countParams();
  return {
    params,
    paramsWithBuffers: params + model.namedBuffers().reduce((s, [, v]) => s + v.size, 0),
    macs: ops.reduce((s, o) => s + o.macs, 0),
    flops: ops.reduce((s, o) => s + o.flops, 0),
    macsByKind,
    ops,
  };
}
