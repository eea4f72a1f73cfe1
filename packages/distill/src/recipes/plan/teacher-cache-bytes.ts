import { MAIN_OUTPUT } from '../../terms/term.ts';
import { tapList, type TermSpec } from '../../terms/term-spec.ts';
import type { ModelCosts } from './model-costs.ts';
import type { PlanContext } from './plan-context.ts';
import type { ModelRef } from './run-plan.ts';

/** The teacher taps a distiller records for these terms (outputs excluded), in declaration order. */
export function teacherTapsOf(terms: readonly TermSpec[]): string[] {
  const isOutput = (n: string) => n === MAIN_OUTPUT || n.startsWith(`${MAIN_OUTPUT}:`);
  return [...new Set(terms.flatMap((t) => tapList(t.teacher)).filter((n) => !isOutput(n)))];
}

/**
 * Bytes of one TeacherOutputCache file for a batch of `batch` images: u32 header length, the JSON
 * header {outputs: shapes, taps: {name: shape}}, then float32 outputs and taps.
 */
export function cacheFileBytes(costs: ModelCosts, teacher: ModelRef, taps: readonly string[], batch: number): number {
  const s = costs.outputShapes(teacher, taps);
  const withBatch = (shape: number[]) => [batch, ...shape.slice(1)];
  const header = JSON.stringify({
    outputs: s.outputs.map(withBatch),
    taps: Object.fromEntries(Object.entries(s.taps).map(([k, v]) => [k, withBatch(v)])),
  });
  const floats = [...s.outputs, ...Object.values(s.taps)].reduce(
    (t, shape) => t + batch * shape.slice(1).reduce((a, b) => a * b, 1),
    0,
  );
  return 4 + Buffer.byteLength(header) + 4 * floats;
}

/**
 * New cache bytes of a KD stage: one file per step, per epoch not yet written by an earlier run
 * of the same stream (teacher, loader seed, batch, taps: the cache key's parts).
 */
export function newCacheBytes(
  ctx: PlanContext,
  stream: string,
  epochs: number,
  stepsPerEpoch: number,
  fileBytes: number,
): number {
  const covered = ctx.cached.get(stream) ?? 0;
  ctx.cached.set(stream, Math.max(covered, epochs));
  return Math.max(0, epochs - covered) * stepsPerEpoch * fileBytes;
}
