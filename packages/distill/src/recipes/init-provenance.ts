import path from 'node:path';
import type { WeightsInit } from '@kd/models';

/**
 * How a row's teacher started: trained by this sweep from `trained` (its backbone's init), or
 * loaded from `teacher_weights` (`loaded`: the file or folder given, `sha256` its content hash).
 */
export type TeacherInit = { trained: WeightsInit } | { loaded: string; sha256: string };

/** The two provenance cells every result row carries. */
export interface InitProvenance {
  teacher_init: string;
  student_init: string;
}

/** The cell of a row that has no such model (a teacher row's student, a no-KD student's teacher, a chance row). */
export const NO_MODEL = 'none';

/** `scratch` (seeded random init), `imagenet:<sha12>` or `file:<basename>:<sha12>`. */
export function weightsCell(w: WeightsInit): string {
  if (w.policy === 'none') return 'scratch';
  const sha = (w.sha256 ?? '').slice(0, 12);
  return w.policy === 'imagenet' ? `imagenet:${sha}` : `file:${path.basename(w.file ?? '?')}:${sha}`;
}

/** `trained-here` (from scratch), `trained-here+<backbone cell>`, or `loaded:<basename>:<sha12>`. */
export function teacherCell(t: TeacherInit): string {
  if ('loaded' in t) return `loaded:${path.basename(t.loaded)}:${t.sha256.slice(0, 12)}`;
  const b = weightsCell(t.trained);
  return b === 'scratch' ? 'trained-here' : `trained-here+${b}`;
}

/**
 * The `teacher_init` / `student_init` cells of one result row (vocabulary in docs/weights.md#weights-in-sweeps):
 * each side is an init (turned into its cell), a cell already made (a cached teacher's row), or
 * absent/null (`none`: the row has no such model).
 */
export function initProvenance(o: {
  teacher?: TeacherInit | string | null;
  student?: WeightsInit | null;
}): InitProvenance {
  const teacher = o.teacher == null ? NO_MODEL : typeof o.teacher === 'string' ? o.teacher : teacherCell(o.teacher);
  return { teacher_init: teacher, student_init: o.student ? weightsCell(o.student) : NO_MODEL };
}

/**
 * The teacher cell stored with a cached teacher's row; teachers cached before rows carried one
 * were all trained here from scratch.
 */
export function storedTeacherCell(row: Record<string, unknown>): string {
  return typeof row.teacher_init === 'string' ? row.teacher_init : 'trained-here';
}
