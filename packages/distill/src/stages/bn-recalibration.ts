import * as tf from '@tensorflow/tfjs';
import type { DenseModel } from '@kd/nn';
import type { StepSource } from '../trainer/step-source.ts';
import { disposeTrainBatch } from '../trainer/train-batch.ts';

/**
 * BN recalibration stage: `batches` train-mode forwards on `source` from epoch `fromEpoch` (no
 * weight update) refresh the BN running statistics, then the model goes to eval mode. CSNet's
 * official finetune stage amounts to this for a pruned model (its optimizer is built on the
 * un-pruned model, so only the pruned model's BN statistics change). 0 batches = off.
 */
export async function recalibrateBn(
  model: DenseModel,
  source: StepSource,
  fromEpoch: number,
  batches: number,
): Promise<void> {
  if (batches <= 0) return;
  model.train(true);
  let k = 0;
  for await (const b of source.batches(
    { epoch: fromEpoch, step: 0 },
    fromEpoch + Math.ceil(batches / source.stepsPerEpoch),
  )) {
    tf.tidy(() => void model.forward(b.x));
    disposeTrainBatch(b);
    if (++k >= batches) break;
  }
  model.eval();
}
