import path from 'node:path';
import { configHash, UsageError } from '@kd/core';
import { SYNTH_COCO_CATEGORIES, VOC_DET_CLASSES } from '@kd/data';
import type { TermSpec } from '../../terms/term-spec.ts';
import type { DetSweepConfig } from '../det/det-recipe.ts';
import { batchesPerEpoch } from './dataset-size.ts';
import { exportBytesOf, finishPlan, stage } from './finish-plan.ts';
import { teacherWeightsKey, type PlanContext } from './plan-context.ts';
import type { ModelRef, RunPlan, StagePlan } from './run-plan.ts';
import { cacheFileBytes, newCacheBytes, teacherTapsOf } from './teacher-cache-bytes.ts';

const CLASSES: Record<string, number> = { 'coco-det': SYNTH_COCO_CATEGORIES.length, 'voc-det': VOC_DET_CLASSES.length };

/**
 * The plan of one `det` run (mirrors detRecipe, which always trains on the synthetic twin of
 * `n_train` images): chance rows train nothing; the YOLOX teacher trains once per key
 * (teacher_epochs × ⌊n/batch⌋); a student trains student_epochs × ⌊n/batch⌋ with the teacher's
 * forward when it has terms, whose taps are always cached (one file per step, keyed by seed).
 */
export function planDet(cfg: DetSweepConfig, ctx: PlanContext, terms: readonly TermSpec[]): RunPlan {
  const K = CLASSES[cfg.dataset];
  if (K === undefined) throw new UsageError(`plan det: dataset must be one of ${Object.keys(CLASSES).join(', ')}, got '${cfg.dataset}'`);
  if (cfg.role === 'chance') return finishPlan([], { exportBytes: 0, teacherCacheBytes: 0 }, ctx.costs);
  const perEpoch = batchesPerEpoch(cfg.n_train, cfg.batch, `plan det (${cfg.dataset})`);
  const size: [number, number] = [cfg.size, cfg.size];
  const teacher: ModelRef = { name: cfg.teacher, opts: { numClasses: K, width: cfg.teacher_width }, size };
  const student: ModelRef = { name: cfg.student, opts: { numClasses: K, width: cfg.student_width }, size };
  const root = path.join(ctx.dataDir, `synthetic-${cfg.dataset}-${cfg.size}-n${cfg.n_train}`);
  const key = configHash({ teacher: cfg.teacher, width: cfg.teacher_width, data: root, size: cfg.size, epochs: cfg.teacher_epochs, lr: cfg.lr, batch: cfg.batch, seed: cfg.teacher_seed, backend: ctx.backendLabel, ...teacherWeightsKey(cfg) });
  const stages: StagePlan[] = [];
  let exportBytes = 0, teacherCacheBytes = 0;
  if (!ctx.teachers.has(key)) {
    ctx.teachers.add(key);
    stages.push(stage(ctx.costs, 'teacher', cfg.teacher_epochs * perEpoch, cfg.batch, teacher, [], 2));
    exportBytes += exportBytesOf(ctx.costs, teacher);
  }
  if (cfg.role !== 'teacher') {
    stages.push(stage(ctx.costs, 'student', cfg.student_epochs * perEpoch, cfg.batch, student, terms.length ? [teacher] : [], 2));
    exportBytes += exportBytesOf(ctx.costs, student);
    if (terms.length) {
      const taps = teacherTapsOf(terms);
      const stream = `${key}|seed=${ctx.seed}|epochs=${cfg.student_epochs}|batch=${cfg.batch}|taps=${[...taps].sort().join(',')}`;
      teacherCacheBytes = newCacheBytes(ctx, stream, cfg.student_epochs, perEpoch, cacheFileBytes(ctx.costs, teacher, taps, cfg.batch));
    }
  }
  return finishPlan(stages, { exportBytes, teacherCacheBytes }, ctx.costs);
}
