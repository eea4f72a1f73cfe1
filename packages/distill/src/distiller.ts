import * as tf from '@tensorflow/tfjs';
import { canReadSync } from '@kd/runtime';
import { withTaps, type DenseModel, type TappedOutput } from '@kd/nn';
import { MAIN_OUTPUT, type Term } from './terms/term.ts';
import type { TeacherOutputCache } from './teacher/output-cache.ts';
import type { TrainBatch } from './trainer/train-batch.ts';

/** `out` is the main output; `out:k` the k-th output (deep supervision heads). */
const isOutput = (n: string) => n === MAIN_OUTPUT || n.startsWith(`${MAIN_OUTPUT}:`);

function pick(o: TappedOutput, names: string[]): tf.Tensor4D[] {
  return names.map((n) => {
    if (n === MAIN_OUTPUT) return o.outputs[0];
    if (isOutput(n)) {
      const k = Number(n.slice(MAIN_OUTPUT.length + 1));
      if (!(k >= 0 && k < o.outputs.length))
        throw new Error(`output '${n}' does not exist: the model has ${o.outputs.length} outputs`);
      return o.outputs[k];
    }
    return o.taps[n];
  });
}

/**
 * Binds distillation terms to the feature taps of a student and a frozen teacher (mmrazor's
 * recorders + loss mappings, without touching model code). The teacher runs in eval mode
 * outside the gradient tape; `check(batch)` runs one dry forward of both and computes every term
 * once, so a wrong tap name, a shape mismatch or a batch field the data lacks fails before
 * step 1 with the term and both taps named.
 */
export class Distiller {
  private readonly studentFwd: (x: tf.Tensor4D) => TappedOutput;
  private readonly teacherFwd: (x: tf.Tensor4D) => TappedOutput;
  private readonly teacherTapKey: string;

  constructor(
    readonly student: DenseModel,
    readonly teacher: DenseModel,
    readonly terms: Term[],
    readonly cache: TeacherOutputCache | null = null,
  ) {
    const taps = (role: 'studentTaps' | 'teacherTaps') => [
      ...new Set(terms.flatMap((t) => t[role]).filter((n) => !isOutput(n))),
    ];
    this.studentFwd = withTaps(student, taps('studentTaps'));
    this.teacherFwd = withTaps(teacher, taps('teacherTaps'));
    this.teacherTapKey = taps('teacherTaps').sort().join(',');
  }

  /** Learnable parts of the terms (connectors, adapters, align convs), trained with the student. */
  extraVariables(): tf.Variable[] {
    return this.terms.flatMap((t) => t.module?.trainableVariables() ?? []);
  }

  /** Parameters of the terms' learnable parts (a table's `kd_params`). */
  extraParams(): number {
    return this.terms.reduce((n, t) => n + (t.module?.countParams() ?? 0), 0);
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
  loss(s: TappedOutput, t: TappedOutput, batch: TrainBatch): { total: tf.Scalar; parts: Record<string, tf.Scalar> } {
    const parts: Record<string, tf.Scalar> = {};
    let total: tf.Scalar = tf.scalar(0);
    for (const term of this.terms) {
      const v = tf.mul(
        term.compute({ student: pick(s, term.studentTaps), teacher: pick(t, term.teacherTaps), batch }),
        term.weight,
      ) as tf.Scalar;
      parts[term.name] = v;
      total = tf.add(total, v) as tf.Scalar;
    }
    return { total, parts };
  }

  /** Dry run on one batch: throws (naming the term, both taps and any missing batch field) if a term cannot be computed. */
  check(batch: TrainBatch): Record<string, number> {
    const name = (term: Term) =>
      `distillation term '${term.name}' (student ${this.student.name}:${term.studentTaps.join('+')} → teacher ${this.teacher.name}:${term.teacherTaps.join('+')})`;
    for (const term of this.terms) {
      const missing = term.needs.filter((f) => batch[f] === null);
      if (missing.length)
        throw new Error(
          `${name(term)} needs the batch field${missing.length > 1 ? 's' : ''} ${missing.map((f) => `'${f}'`).join(', ')}, which this data does not provide`,
        );
    }
    const t = this.teacherForward(batch.x);
    // The dry run must not move any BN running statistics (the student's or a term's, e.g. KA's autoencoder).
    const modes = [this.student, ...this.terms.flatMap((term) => (term.module ? [term.module] : []))].flatMap((m) =>
      [...m.modules()].map(([, sub]) => [sub, sub.training] as const),
    );
    for (const [m] of modes) m.training = false;
    try {
      return tf.tidy(() => {
        const s = this.studentForward(batch.x);
        const out: Record<string, number> = {};
        for (const term of this.terms) {
          try {
            const value = term.compute({
              student: pick(s, term.studentTaps),
              teacher: pick(t, term.teacherTaps),
              batch,
            });
            if (!canReadSync()) continue; // webgpu in Node: no sync read; the trainer still checks each step's loss
            const v = value.dataSync()[0];
            if (!Number.isFinite(v)) throw new Error(`value ${v}`);
            out[term.name] = v;
          } catch (e) {
            throw new Error(`${name(term)} failed its dry run: ${(e as Error).message}`);
          }
        }
        return out;
      });
    } finally {
      for (const [m, mode] of modes) m.training = mode;
      tf.dispose([...t.outputs, ...Object.values(t.taps)]);
    }
  }

  /** Frees the terms' learnable parts (the models belong to the caller). */
  dispose(): void {
    for (const term of this.terms) term.module?.dispose();
  }
}
