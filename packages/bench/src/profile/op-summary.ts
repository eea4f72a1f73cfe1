import * as tf from '@tensorflow/tfjs';
import { countOps, type DenseModel, type OpRecord } from '@kd/nn';

export interface OpSummary {
  /** Multiply–accumulates of one forward pass at batch 1 (FLOPs ≈ 2·macs + flops). */
  macs: number;
  /** Other floating-point operations (activations, adds, norms) at batch 1. */
  flops: number;
  /** MACs and FLOPs per op kind (conv, depthwise, dense, resize, pool, elementwise, norm). */
  by_kind: Record<string, { macs: number; flops: number; count: number }>;
  records: OpRecord[];
}

/**
 * Analytic operation count of one eval-mode forward of `model` on a [1, size, size, 3] input:
 * the layers' own reports collected by core `countOps` (only layers that report are counted).
 */
export function countModelOps(model: DenseModel, size: number): OpSummary {
  const wasTraining = model.training;
  model.eval();
  try {
    const records = countOps(() => {
      tf.tidy(() => {
        model.forward(tf.zeros([1, size, size, 3]) as tf.Tensor4D);
      });
    });
    const by_kind: OpSummary['by_kind'] = {};
    let macs = 0,
      flops = 0;
    for (const r of records) {
      const k = (by_kind[r.kind] ??= { macs: 0, flops: 0, count: 0 });
      k.macs += r.macs;
      k.flops += r.flops;
      k.count++;
      macs += r.macs;
      flops += r.flops;
    }
    return { macs, flops, by_kind, records };
  } finally {
    model.train(wasTraining);
  }
}
