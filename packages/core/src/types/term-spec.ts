/**
 * A distillation term as an experiment declares it: plain data (no tensors), bound to the
 * models' taps by @kd/distill's `buildTerms` before step 1. `loss` is a registered loss name (the
 * log and CSV name unless `name` is given); `student`/`teacher` are tap names (`out` = main
 * output, `out:k` = output k).
 */
export interface TermSpec {
  loss: string;
  /** Weight in Σ weight·term (default 1). */
  weight?: number;
  student: string | readonly string[];
  teacher: string | readonly string[];
  /** The loss's own options (see `pnpm exp loss describe <name>`), plus a binding's extras (e.g. KA's pre-stage). */
  options?: Record<string, unknown>;
  /** Name in logs and step parts, when one loss is bound twice (BCD's two boundary taps). */
  name?: string;
  /** Compare the student map resized bilinearly to the teacher's grid (pair-wise, AT on different strides). */
  alignSpatial?: boolean;
}
