import { createProgress } from '../progress.ts';

/** One optimizer step as the callbacks see it. */
export interface StepRecord {
  /** The stage that took the step ('teacher', 'student', 'ka-autoencoder', …). */
  stage: string;
  /** 1-based step within the stage. */
  step: number;
  epoch: number;
  lr: number;
  /** Total loss of the step. */
  loss: number;
  /** Its weighted parts: `task` and one entry per distillation term. */
  parts: Record<string, number>;
}

export interface StageInfo {
  stage: string;
  /** Steps the stage takes in all. */
  totalSteps: number;
}

export interface StageSummary extends StageInfo {
  images: number;
  seconds: number;
}

/**
 * Hooks of the one training loop. Progress, the JSONL log and evaluation are callbacks; the
 * checkpoint hook receives a `save` closure the run-infrastructure layer can call.
 */
export interface Callback {
  onStageStart?(info: StageInfo): void;
  onStep?(rec: StepRecord): void | Promise<void>;
  onEpochEnd?(info: { stage: string; epoch: number; meanLoss: number }): void | Promise<void>;
  onStageEnd?(summary: StageSummary): void;
}

/** A progress bar with ETA on a terminal, a few lines in a log (see `createProgress`). */
export function progressCallback(label: string, enabled = true): Callback {
  let bar: ReturnType<typeof createProgress> | null = null;
  return {
    onStageStart: (i) =>
      (bar = createProgress(
        i.stage === 'student' || i.stage === 'teacher' ? label : `${label} ${i.stage}`,
        i.totalSteps,
        enabled,
      )),
    onStep: (r) => bar?.update(r.step, { loss: r.loss.toFixed(4) }),
    onStageEnd: () => bar?.stop(),
  };
}

/** Forwards each step record to `write` (a run's `log.jsonl`), tagged with `phase` = the stage. */
export function logCallback(
  write: (record: Record<string, unknown>) => void,
  phaseOf: (stage: string) => string = (s) => s,
): Callback {
  return {
    onStep: (r) =>
      write({ phase: phaseOf(r.stage), step: r.step, epoch: r.epoch, lr: r.lr, loss: r.loss, parts: r.parts }),
  };
}
