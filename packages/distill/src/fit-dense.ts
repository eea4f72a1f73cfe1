import * as tf from '@tensorflow/tfjs';
import type { DenseModel, TappedOutput } from '@kd/nn';
import type { Batch, LoaderPosition } from '@kd/data';
import type { Distiller } from './distiller.ts';
import { NonFiniteLossError } from './non-finite-loss.ts';
import { learningRate } from './lr-schedule.ts';
import { ScheduledOptimizer, type OptimizerSpec } from './optimizer.ts';
import { createProgress } from './progress.ts';

/** The tensors of one loader batch: x [N,H,W,3]; SOD mask [N,H,W,1]; seg label int32 [N,H,W]. */
export interface BatchTensors {
  x: tf.Tensor4D;
  mask: tf.Tensor4D | null;
  label: tf.Tensor3D | null;
  raw: Batch;
}

export function batchTensors(b: Batch): BatchTensors {
  const [N, H, W] = [b.size, b.height, b.width];
  return {
    x: tf.tensor4d(b.images, [N, H, W, 3]),
    mask: b.masks ? tf.tensor4d(b.masks, [N, H, W, 1]) : null,
    label: b.labels ? tf.tensor3d(Int32Array.from(b.labels), [N, H, W], 'int32') : null,
    raw: b,
  };
}

/** Anything that yields batches by epoch (the @kd/data DataLoader). */
export interface BatchSource {
  readonly stepsPerEpoch: number;
  batches(from?: LoaderPosition, untilEpoch?: number): AsyncGenerator<Batch>;
}

/** Task loss on the student's outputs (+ taps) for a batch. */
export type TaskLoss = (student: TappedOutput, batch: BatchTensors, epoch: number) => tf.Scalar;

export interface FitDenseSpec {
  epochs: number;
  optimizer: OptimizerSpec;
  label?: string;
  progress?: boolean;
  /** Weight of the task loss (0 = distillation only, e.g. KD on unlabeled images). */
  taskWeight?: number;
  /** Replaces the plain student forward when there is no distiller (e.g. to collect CSNet's DWD pairs). */
  studentForward?: (x: tf.Tensor4D) => TappedOutput;
  /** Teacher-cache key of a batch (e.g. loader seed + epoch + step + names + size); see TeacherOutputCache. */
  cacheKey?: (b: Batch) => string;
  onStep?: (rec: { step: number; epoch: number; lr: number; loss: number; parts: Record<string, number> }) => void;
}

/**
 * Trains a student on loader batches: loss = taskWeight·task + Σ distillation terms (when a
 * distiller is given; its wiring is checked on the first batch before any update). Teacher
 * outputs are computed outside the gradient tape; the optimizer updates the student and the
 * terms' learnable parts. Returns the mean loss of each epoch and throughput.
 */
export async function fitDense(student: DenseModel, source: BatchSource, spec: FitDenseSpec, task: TaskLoss | null, distiller?: Distiller) {
  const vars = [...student.trainableVariables(), ...(distiller?.extraVariables() ?? [])];
  const opt = new ScheduledOptimizer(spec.optimizer);
  const total = spec.epochs * source.stepsPerEpoch;
  const bar = createProgress(spec.label ?? student.name, total, spec.progress ?? true);
  const taskWeight = spec.taskWeight ?? 1;
  const epochLoss: number[] = [];
  let step = 0, sum = 0, images = 0;
  const t0 = performance.now();
  student.train(true);
  try {
    for await (const raw of source.batches({ epoch: 0, step: 0 }, spec.epochs)) {
      const b = batchTensors(raw);
      if (step === 0 && distiller) distiller.check(b.x);
      const epoch = Math.floor(step / source.stepsPerEpoch);
      const teacherOut = distiller ? distiller.teacherForward(b.x, spec.cacheKey?.(raw)) : null;
      const parts: Record<string, number> = {};
      const lr = learningRate(spec.optimizer, step, total);
      const partTensors: [string, tf.Scalar][] = [];
      const cost = opt.step(() => {
        const s = distiller ? distiller.studentForward(b.x) : spec.studentForward ? spec.studentForward(b.x) : { outputs: student.forward(b.x), taps: {} };
        let loss: tf.Scalar = task && taskWeight !== 0 ? (tf.mul(task(s, b, epoch), taskWeight) as tf.Scalar) : tf.scalar(0);
        if (distiller && teacherOut) {
          const d = distiller.loss(s, teacherOut);
          for (const [k, v] of Object.entries(d.parts)) partTensors.push([k, tf.keep(v)]);
          loss = tf.add(loss, d.total) as tf.Scalar;
        }
        return loss;
      }, vars, lr);
      const value = (await cost.data())[0];
      cost.dispose();
      for (const [k, v] of partTensors) parts[k] = (await v.data())[0];
      tf.dispose(partTensors.map(([, v]) => v));
      if (teacherOut) tf.dispose([...teacherOut.outputs, ...Object.values(teacherOut.taps)]);
      disposeBatchTensors(b);
      step++;
      images += raw.size;
      if (!Number.isFinite(value)) throw new NonFiniteLossError(step, value);
      sum += value;
      spec.onStep?.({ step, epoch, lr, loss: value, parts });
      bar.update(step, { loss: value.toFixed(4) });
      if (step % source.stepsPerEpoch === 0) {
        epochLoss.push(sum / source.stepsPerEpoch);
        sum = 0;
      }
    }
  } finally {
    bar.stop();
    opt.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps: step, images, seconds, imagesPerSecond: images / seconds, epochLoss };
}

export function disposeBatchTensors(b: BatchTensors): void {
  b.x.dispose();
  b.mask?.dispose();
  b.label?.dispose();
}
