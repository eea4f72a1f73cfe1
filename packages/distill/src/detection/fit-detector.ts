import * as tf from '@tensorflow/tfjs';
import { withTaps } from '@kd/nn';
import type { Sample } from '@kd/data';
import type { DetectionModel } from '@kd/models';
import { learningRate } from '../lr-schedule.ts';
import { createProgress } from '../progress.ts';
import { NonFiniteLossError } from '../non-finite-loss.ts';
import { makeDetBatch } from './det-batch.ts';
import type { FsdDistiller } from './fsd-distiller.ts';
import type { TeacherTapCache } from './teacher-cache.ts';

export interface DetFitSpec {
  /** Peak Adam learning rate. */
  lr: number;
  /** Linear warm-up steps from lr/10 (default min(50, 10% of the steps)); then cosine to 0.05·lr. */
  warmupSteps?: number;
  /** Steps per epoch, for the per-epoch loss means (default: all steps are one epoch). */
  stepsPerEpoch?: number;
  label?: string;
  progress?: boolean;
  /** Called after every step with the detection and distillation loss values. */
  onStep?: (step: number, det: number, kd: number) => void;
}

/** The distiller binding student taps to a frozen teacher's (taps served by the cache). */
export interface DetDistillSetup {
  distiller: FsdDistiller;
  teacher: TeacherTapCache;
}

export interface DetFitResult {
  steps: number;
  seconds: number;
  imagesPerSecond: number;
  /** Mean detection loss of each epoch. */
  epochDetLoss: number[];
  /** Mean distillation loss of each epoch (0 without a teacher). */
  epochKdLoss: number[];
}

/** lr at `step` of `total`: linear warm-up from lr/10, then cosine to 0.05·lr (YOLOX's floor). */
export function detLr(lr: number, step: number, total: number, warmup: number): number {
  return learningRate({ lr, schedule: 'cosine', warmupSteps: warmup, warmupFrom: 0.1, floor: 0.05 }, step, total);
}

/**
 * Trains a YOLOX detector over a batch plan (`planDetBatches`) with Adam (instead of YOLOX's SGD:
 * our CPU schedules are a few hundred steps). Per step: forward, YOLOX loss (SimOTA) and, with
 * `distill`, the FSD loss of the student's taps against the teacher's (eval mode, no gradient);
 * the distiller's align convs and GcBlocks train with the student. Every tensor a step creates
 * is released before the next (cached teacher taps excepted, see `TeacherTapCache`).
 */
export async function fitDetector(model: DetectionModel, batches: readonly Sample[][], spec: DetFitSpec, distill?: DetDistillSetup): Promise<DetFitResult> {
  const optimizer = tf.train.adam(spec.lr);
  const setLr = (v: number) => { (optimizer as unknown as { learningRate: number }).learningRate = v; };
  const vars = [...model.trainableVariables(), ...(distill?.distiller.trainableVariables() ?? [])];
  model.train(true);
  const student = withTaps(model, distill?.distiller.taps ?? []);
  const total = batches.length;
  if (total === 0) throw new Error('fitDetector: empty batch plan');
  const perEpoch = spec.stepsPerEpoch ?? total;
  const warmup = spec.warmupSteps ?? Math.min(50, Math.floor(total / 10));
  const bar = createProgress(spec.label ?? model.name, total, spec.progress ?? true);
  const epochDetLoss: number[] = [], epochKdLoss: number[] = [];
  let detSum = 0, kdSum = 0, inEpoch = 0, images = 0;
  const t0 = performance.now();
  try {
    for (let step = 0; step < total; step++) {
      const batch = makeDetBatch(batches[step], model.normalization);
      const tTaps = distill ? distill.teacher.get(step, batch.x) : null;
      setLr(detLr(spec.lr, step, total, warmup));
      let det = 0, kd = 0;
      const cost = optimizer.minimize(() => {
        const out = student(batch.x);
        const d = model.loss(out.outputs, batch.targets);
        det = d.total.dataSync()[0];
        if (!distill || !tTaps) return d.total;
        const k = distill.distiller.loss(out.taps, tTaps, batch.boxes, batch.size).total;
        kd = k.dataSync()[0];
        return tf.add(d.total, k) as tf.Scalar;
      }, true, vars)!;
      const value = (await cost.data())[0];
      cost.dispose();
      if (tTaps) distill!.teacher.release(tTaps);
      batch.x.dispose();
      images += batches[step].length;
      if (!Number.isFinite(value)) throw new NonFiniteLossError(step + 1, value);
      detSum += det;
      kdSum += kd;
      if (++inEpoch === perEpoch || step === total - 1) {
        epochDetLoss.push(detSum / inEpoch);
        epochKdLoss.push(kdSum / inEpoch);
        detSum = kdSum = inEpoch = 0;
      }
      spec.onStep?.(step + 1, det, kd);
      bar.update(step + 1, { loss: `${det.toFixed(3)}${distill ? ` kd ${kd.toFixed(3)}` : ''}` });
    }
  } finally {
    bar.stop();
    optimizer.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps: total, seconds, imagesPerSecond: images / seconds, epochDetLoss, epochKdLoss };
}
