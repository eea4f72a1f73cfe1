import path from 'node:path';
import { configHash, type RunContext } from '@kd/core';
import { logCallback, progressCallback, type Callback } from '../trainer/callbacks.ts';
import { Checkpointer } from '../trainer/checkpoint.ts';
import { tensorboardCallback } from '../trainer/tensorboard-callback.ts';

export type { RunContext };

/**
 * The callbacks every recipe stage uses: progress (with ETA), the JSONL log (`phase` = the
 * stage's role) and TensorBoard event files under `<runDir>/tensorboard/` (or `tbDir`).
 */
export function runCallbacks(run: RunContext, label: string, phase: string, tbDir = path.join(run.runDir, 'tensorboard')): Callback[] {
  return [progressCallback(label, run.progress), logCallback(run.log, (stage) => (stage === 'student' || stage === 'teacher' ? phase : stage)), tensorboardCallback(tbDir)];
}

/**
 * Checkpoints of one training of a run, under `<dir>/checkpoints/<name>/` (the run's own folder
 * for students; the teacher store's folder for a shared teacher), identified by the resolved
 * config, the code version and the backend, so a checkpoint of another run is refused.
 */
export function runCheckpointer(run: RunContext, cfg: Record<string, unknown>, name: string, dir = run.runDir): Checkpointer {
  return new Checkpointer(path.join(dir, 'checkpoints', name), { config: configHash(cfg), git_hash: run.gitHash, backend: run.backend.label, seed: run.seed }, {
    everySteps: run.checkpoint.everySteps, minutes: run.checkpoint.minutes, keep: 2,
  }, run.progress ? undefined : () => {});
}

/** Checkpoints of a teacher being trained for the teacher store (`<cacheDir>/teachers/<key>.checkpoints`). */
export function teacherCheckpointer(run: RunContext, spec: Record<string, unknown>): Checkpointer {
  return runCheckpointer(run, spec, 'teacher', path.join(run.cacheDir, 'teachers', `${configHash(spec)}.work`));
}
