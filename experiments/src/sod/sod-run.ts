import * as tf from '@tensorflow/tfjs';
import type { ResultRow } from '@kd/bench';
import { evaluateSodSource, fitDense, type BatchSource, type Distiller, type FitDenseSpec, type TaskLoss } from '@kd/distill';
import { bceWithLogits, csnetLoss, scfnetSupervisedLoss } from '@kd/losses';
import { collectDwdPairs, countModel, type DwdPair, type KdModel } from '@kd/models';
import type { RunContext } from '../sweep/sweep-experiment.ts';

/** Supervised SOD losses by config value. */
export type SodLossKind = 'scfnet' | 'bce' | 'csnet-dwd';

/**
 * The task loss and (for CSNet DWD) the forward that collects (γ, activation) pairs:
 * `scfnet` dice + PBSM boundary dice over the 4 outputs (weights 1, ½, ¼, ⅛); `bce` BCE-with-
 * logits on the main output; `csnet-dwd` BCE + 3.0·dynamic weight decay on ILBlock BN γ.
 */
export function sodTask(kind: SodLossKind): { task: TaskLoss; forward?: (model: KdModel) => FitDenseSpec['studentForward'] } {
  switch (kind) {
    case 'scfnet': return { task: (s, b, epoch) => scfnetSupervisedLoss(s.outputs, b.mask!, epoch) };
    case 'bce': return { task: (s, b) => bceWithLogits(s.outputs[0], b.mask!) };
    case 'csnet-dwd': {
      let pairs: DwdPair[] = [];
      return {
        task: (s, b) => csnetLoss(s.outputs[0], b.mask!, pairs),
        forward: (model) => (x: tf.Tensor4D) => {
          const r = collectDwdPairs(() => model.forward(x));
          pairs = r.pairs;
          return { outputs: r.result, taps: {} };
        },
      };
    }
  }
}

/** Trains `model` for `epochs` on `source` with Adam at `lr` (constant) and the given task/distiller. */
export async function trainSod(model: KdModel, source: BatchSource, o: { epochs: number; lr: number; loss: SodLossKind | null; run: RunContext; phase: string; distiller?: Distiller; taskWeight?: number }) {
  const t = o.loss ? sodTask(o.loss) : null;
  return fitDense(model, source, {
    epochs: o.epochs, optimizer: { kind: 'adam', lr: o.lr }, label: `${o.phase} ${model.name}`, progress: o.run.progress, taskWeight: o.taskWeight,
    studentForward: t?.forward?.(model), onStep: (r) => o.run.log({ phase: o.phase, ...r }),
  }, t?.task ?? null, o.distiller);
}

/** The SOD table columns for a trained model on the test loader. */
export async function sodRow(model: KdModel, test: BatchSource, size: number): Promise<ResultRow> {
  const ev = await evaluateSodSource(model, test);
  const count = countModel(model, [size, size]);
  return {
    model: model.name, params: count.params, gmacs: count.macs / 1e9,
    MAE: ev.MAE, maxFm: ev.maxFm, meanFm: ev.meanFm, Smeasure: ev.Smeasure, adpEm: ev.adpEm,
    infer_img_s: Math.round(ev.inferImagesPerSecond * 10) / 10,
  };
}
