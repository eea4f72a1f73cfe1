import path from 'node:path';
import { TensorBoardWriter } from '@kd/bench';
import type { Callback } from './callbacks.ts';

/**
 * TensorBoard event files for a run: one writer per stage under `<logdir>/<stage>/` (so
 * `tensorboard --logdir <runs folder>` shows `<run>/teacher`, `<run>/student`, …), with per step
 * `loss` (total), `lr` and `parts/<name>` (the task loss and each weighted term). Records are
 * flushed at every epoch's end and when the stage ends; a resumed stage appends a new file.
 */
export function tensorboardCallback(logdir: string): Callback {
  let w: TensorBoardWriter | null = null;
  return {
    onStageStart: (i) => (w = new TensorBoardWriter(path.join(logdir, i.stage))),
    onStep: (r) => {
      if (!w) return;
      w.addScalar('loss', r.loss, r.step);
      w.addScalar('lr', r.lr, r.step);
      for (const [k, v] of Object.entries(r.parts)) w.addScalar(`parts/${k}`, v, r.step);
    },
    onEpochEnd: () => w?.flush(),
    onStageEnd: () => {
      w?.close();
      w = null;
    },
  };
}

/** Evaluation metrics of a trained model as scalars `eval/<metric>` at `step` under `<logdir>/<stage>/`. */
export function writeEvalScalars(logdir: string, stage: string, step: number, metrics: Record<string, unknown>): void {
  const w = new TensorBoardWriter(path.join(logdir, stage));
  for (const [k, v] of Object.entries(metrics))
    if (typeof v === 'number' && Number.isFinite(v)) w.addScalar(`eval/${k}`, v, step);
  w.close();
}
