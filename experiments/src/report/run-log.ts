import fs from 'node:fs';

/** One run's student training log split into what the curves plot, as (step, value) points. */
export interface StudentLog {
  /** The task loss alone: logged total minus the distillation parts (FSD: the detection loss `det`). */
  task: [number, number][];
  /** Each distillation term (weighted, as it enters the total), by name. */
  terms: Map<string, [number, number][]>;
  /** Metrics of `phase: 'eval'` records (e.g. mIoU after an epoch), by name. */
  evals: Map<string, [number, number][]>;
  /** Last logged student step (0 without student records). */
  lastStep: number;
}

const push = (m: Map<string, [number, number][]>, k: string, p: [number, number]) => {
  if (!m.has(k)) m.set(k, []);
  m.get(k)!.push(p);
};

/**
 * Reads a run's `log.jsonl`. Student records are `{ phase: 'student', step, loss, parts }`
 * (`parts.task` the task loss, every other part a weighted distillation term; logs written
 * before the one trainer have no `task` part and `loss` = task + Σ parts) or the older detector
 * form `{ phase: 'student', step, loss, det, kd }`. Evaluation records are
 * `{ phase: 'eval', step, <metric>: number, … }`. Non-finite values are skipped.
 */
export function readStudentLog(file: string): StudentLog {
  const out: StudentLog = { task: [], terms: new Map(), evals: new Map(), lastStep: 0 };
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    const step = Number(e.step);
    if (!Number.isFinite(step)) continue;
    if (e.phase === 'eval') {
      for (const [k, v] of Object.entries(e))
        if (k !== 'phase' && k !== 'step' && typeof v === 'number' && Number.isFinite(v)) push(out.evals, k, [step, v]);
      continue;
    }
    if (e.phase !== 'student' || typeof e.loss !== 'number' || !Number.isFinite(e.loss)) continue;
    out.lastStep = Math.max(out.lastStep, step);
    if (typeof e.det === 'number') {
      out.task.push([step, e.det]);
      if (typeof e.kd === 'number' && e.kd !== 0) push(out.terms, 'FSD (all levels)', [step, e.kd]);
      continue;
    }
    const { task, ...parts } = (e.parts ?? {}) as Record<string, number>;
    let rest = e.loss;
    for (const [k, v] of Object.entries(parts)) {
      if (!Number.isFinite(v)) continue;
      push(out.terms, k, [step, v]);
      rest -= v;
    }
    // The one trainer logs the task loss as `parts.task`; older logs leave it as the remainder.
    out.task.push([step, typeof task === 'number' && Number.isFinite(task) ? task : rest]);
  }
  return out;
}
