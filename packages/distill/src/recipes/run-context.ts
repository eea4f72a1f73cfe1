import type { RunContext } from '@kd/core';
import { logCallback, progressCallback, type Callback } from '../trainer/callbacks.ts';

export type { RunContext };

/** The callbacks every recipe stage uses: progress (with ETA) and the JSONL log (`phase` = the stage's role). */
export function runCallbacks(run: RunContext, label: string, phase: string): Callback[] {
  return [progressCallback(label, run.progress), logCallback(run.log, (stage) => (stage === 'student' || stage === 'teacher' ? phase : stage))];
}
