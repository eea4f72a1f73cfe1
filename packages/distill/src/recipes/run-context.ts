import path from 'node:path';
import { configHash, type RunContext } from '@kd/core';
import { logCallback, progressCallback, type Callback } from '../trainer/callbacks.ts';
import { Checkpointer } from '../trainer/checkpoint.ts';
import { tensorboardCallback, writeEvalScalars } from '../trainer/tensorboard-callback.ts';
import { TeacherOutputCache } from '../teacher/output-cache.ts';

export type { RunContext };

/**
 * The callbacks every recipe stage uses: progress (with ETA), the JSONL log (`phase` = the
 * stage's role) and TensorBoard event files under `<runDir>/tensorboard/` (or `tbDir`).
 */
export function runCallbacks(
  run: RunContext,
  label: string,
  phase: string,
  tbDir = path.join(run.runDir, 'tensorboard'),
): Callback[] {
  return [
    progressCallback(label, run.progress),
    logCallback(run.log, (stage) => (stage === 'student' || stage === 'teacher' ? phase : stage)),
    tensorboardCallback(tbDir),
  ];
}

/**
 * Checkpoints of one training of a run, under `<dir>/checkpoints/<name>/` (the run's own folder
 * for students; the teacher store's folder for a shared teacher), identified by the resolved
 * config, the code version and the backend, so a checkpoint of another run is refused.
 */
export function runCheckpointer(
  run: RunContext,
  cfg: Record<string, unknown>,
  name: string,
  dir = run.runDir,
): Checkpointer {
  return new Checkpointer(
    path.join(dir, 'checkpoints', name),
    { config: configHash(cfg), git_hash: run.gitHash, backend: run.backend.label, seed: run.seed },
    {
      everySteps: run.checkpoint.everySteps,
      minutes: run.checkpoint.minutes,
      keep: 2,
    },
    run.progress ? undefined : () => {},
  );
}

/**
 * A trained model's evaluation: the `metrics` cells of `row` as `{ phase: 'eval', step, … }` in the
 * run's log.jsonl and as `eval/<metric>` scalars in its TensorBoard folder, at the stage's last step.
 */
export function recordEval(
  run: RunContext,
  stage: string,
  step: number,
  row: Record<string, unknown>,
  metrics: readonly string[],
): void {
  const values = Object.fromEntries(
    metrics.flatMap((k) => (typeof row[k] === 'number' && Number.isFinite(row[k]) ? [[k, row[k] as number]] : [])),
  );
  run.log({ phase: 'eval', stage, step, ...values });
  writeEvalScalars(path.join(run.runDir, 'tensorboard'), stage, step, values);
}

/** Metric columns per task (what recordEval logs). */
export const EVAL_METRICS = {
  seg: ['mIoU', 'aAcc', 'mAcc'],
  sod: ['MAE', 'maxFm', 'meanFm', 'Smeasure', 'adpEm'],
  det: ['voc07_mAP', 'voc_allpt_mAP', 'coco_AP', 'coco_AP50', 'coco_AP75'],
} as const;

/** The sweep's shared teacher-output cache in `<cacheDir>/<name>`, bounded by `--teacher-cache-gb` (null when that is 0). */
export function sharedTeacherCache(run: RunContext, name: string, teacherKey: string): TeacherOutputCache | null {
  return run.teacherCacheBytes > 0
    ? new TeacherOutputCache(path.join(run.cacheDir, name), teacherKey, run.teacherCacheBytes)
    : null;
}

/** Checkpoints of a teacher being trained for the teacher store (`<cacheDir>/teachers/<key>.checkpoints`). */
export function teacherCheckpointer(run: RunContext, spec: Record<string, unknown>): Checkpointer {
  return runCheckpointer(run, spec, 'teacher', path.join(run.cacheDir, 'teachers', `${configHash(spec)}.work`));
}
