import * as tf from '@tensorflow/tfjs';
import { canReadSync } from '@kd/runtime';
import { withTaps, type DenseModel, type TappedOutput } from '@kd/nn';
import { MAIN_OUTPUT, type DistillTerm } from './distill-term.ts';
import type { TeacherOutputCache } from './teacher-cache.ts';

/** `out` is the main output; `out:k` the k-th output (deep supervision heads). */
const isOutput = (n: string) => n === MAIN_OUTPUT || n.startsWith(`${MAIN_OUTPUT}:`);

function pick(o: TappedOutput, names: string[]): tf.Tensor4D[] {
  return names.map((n) => {
    if (n === MAIN_OUTPUT) return o.outputs[0];
    if (isOutput(n)) {
      const k = Number(n.slice(MAIN_OUTPUT.length + 1));
      if (!(k >= 0 && k < o.outputs.length)) throw new Error(`output '${n}' does not exist: the model has ${o.outputs.length} outputs`);
      return o.outputs[k];
    }
    return o.taps[n];
  });
}

/**
 * Binds distillation terms to the feature taps of a student and a frozen teacher (mmrazor's
 * recorders + loss mappings, without touching model code). The teacher runs in eval mode
 * outside the gradient tape; `check(x)` runs one dry forward of both and computes every term
 * once, so a wrong tap name or shape mismatch fails before step 1 with both taps named.
 */
export class Distiller {
  private readonly studentFwd: (x: tf.Tensor4D) => TappedOutput;
  private readonly teacherFwd: (x: tf.Tensor4D) => TappedOutput;
  private readonly teacherTapKey: string;

  constructor(readonly student: DenseModel, readonly teacher: DenseModel, readonly terms: DistillTerm[], readonly cache: TeacherOutputCache | null = null) {
    const taps = (role: 'studentTaps' | 'teacherTaps') => [...new Set(terms.flatMap((t) => t[role]).filter((n) => !isOutput(n)))];
    this.studentFwd = withTaps(student, taps('studentTaps'));
    this.teacherFwd = withTaps(teacher, taps('teacherTaps'));
    this.teacherTapKey = taps('teacherTaps').sort().join(',');
  }

  /** Learnable parts of the terms (connectors, adapters), trained with the student. */
  extraVariables(): tf.Variable[] {
    return this.terms.flatMap((t) => t.module?.trainableVariables() ?? []);
  }

  /** Student forward with the taps the terms need. */
  studentForward(x: tf.Tensor4D): TappedOutput {
    return this.studentFwd(x);
  }

  /**
   * Teacher forward (eval mode) with its taps; call outside the gradient tape and dispose.
   * With a cache and a `batchKey` (see TeacherOutputCache), a hit skips the teacher entirely.
   */
  teacherForward(x: tf.Tensor4D, batchKey?: string): TappedOutput {
    const key = batchKey ? `${batchKey}|taps=${this.teacherTapKey}` : undefined;
    if (this.cache && key) {
      const hit = this.cache.get(key);
      if (hit) return hit;
    }
    this.teacher.eval();
    const out = tf.tidy(() => {
      const o = this.teacherFwd(x);
      return { outputs: o.outputs, taps: o.taps };
    });
    if (this.cache && key) this.cache.put(key, out);
    return out;
  }

  /** Σ weight·term, plus each term's weighted value (for logs). */
  loss(s: TappedOutput, t: TappedOutput): { total: tf.Scalar; parts: Record<string, tf.Scalar> } {
    const parts: Record<string, tf.Scalar> = {};
    let total: tf.Scalar = tf.scalar(0);
    for (const term of this.terms) {
      const v = tf.mul(term.compute(pick(s, term.studentTaps), pick(t, term.teacherTaps)), term.weight) as tf.Scalar;
      parts[term.name] = v;
      total = tf.add(total, v) as tf.Scalar;
    }
    return { total, parts };
  }

  /** Dry run on one batch: throws (naming the term and both taps) if any term cannot be computed. */
  check(x: tf.Tensor4D): Record<string, number> {
    const t = this.teacherForward(x);
    const wasTraining = this.student.training;
    this.student.eval(); // the dry run must not move BN running statistics
    try {
      return tf.tidy(() => {
        const s = this.studentForward(x);
        const out: Record<string, number> = {};
        for (const term of this.terms) {
          try {
            const value = term.compute(pick(s, term.studentTaps), pick(t, term.teacherTaps));
            if (!canReadSync()) continue; // webgpu in Node: no sync read; fitDense still checks each step's loss
            const v = value.dataSync()[0];
            if (!Number.isFinite(v)) throw new Error(`value ${v}`);
            out[term.name] = v;
          } catch (e) {
            throw new Error(`distillation term '${term.name}' (student ${this.student.name}:${term.studentTaps.join('+')} → teacher ${this.teacher.name}:${term.teacherTaps.join('+')}) failed its dry run: ${(e as Error).message}`);
          }
        }
        return out;
      });
    } finally {
      this.student.train(wasTraining);
      tf.dispose([...t.outputs, ...Object.values(t.taps)]);
    }
  }
}
