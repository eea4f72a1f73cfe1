import path from 'node:path';
import { configHash } from '@kd/core';
import type { TermSpec } from '../../terms/term-spec.ts';
import { syntheticSegRoot, type SegDataConfig } from '../seg/seg-data.ts';
import { epochsOf, segFormat, segTeacherExtras } from '../seg/seg-format.ts';
import type { SegSweepConfig } from '../seg/seg-recipe.ts';
import { batchesPerEpoch, datasetImages } from './dataset-size.ts';
import { exportBytesOf, finishPlan, stage } from './finish-plan.ts';
import { teacherWeightsKey, type PlanContext } from './plan-context.ts';
import { optimizerSlots, type ModelRef, type RunPlan, type StagePlan } from './run-plan.ts';
import { cacheFileBytes, newCacheBytes, teacherTapsOf } from './teacher-cache-bytes.ts';

/** The data root `segDataRoot` would use (without generating anything). */
export const segRootOf = (cfg: SegDataConfig, dataDir: string) =>
  cfg.data === 'synthetic' ? syntheticSegRoot(cfg, dataDir) : path.resolve(dataDir, cfg.data);

/** KA terms' pre-stage epochs (`aeEpochs`, default 1 as in the binder). */
export const kaPreStages = (terms: readonly TermSpec[]): number[] =>
  terms
    .filter((t) => t.loss === 'ka')
    .map((t) => Number((t.options as { aeEpochs?: number } | undefined)?.aeEpochs ?? 1));

/**
 * The plan of one `seg` run (mirrors segRecipe): a teacher stage when the row needs the teacher
 * (teacher row or any term) and no earlier run trains the same teacher key; KA pre-stages; the
 * student stage with CE (+ the frozen teacher's forward when distilling). Steps per epoch =
 * ⌊train images / batch⌋.
 */
export function planSeg(cfg: SegSweepConfig, ctx: PlanContext, terms: readonly TermSpec[]): RunPlan {
  const format = segFormat(
    cfg,
    cfg.data === 'synthetic' || !ctx.countRoot ? null : path.resolve(ctx.countRoot, cfg.data),
  );
  const images = datasetImages({ data: cfg.data, ...format.train, synthetic: cfg.n_train }, ctx.countRoot);
  const perEpoch = batchesPerEpoch(images, cfg.batch, `plan seg (data ${cfg.data})`);
  const teacherEpochs = epochsOf(cfg.teacher_iters, cfg.teacher_epochs, perEpoch);
  const studentEpochs = epochsOf(cfg.iters, cfg.epochs, perEpoch);
  const size: [number, number] = [cfg.height, cfg.width];
  const slots = optimizerSlots(cfg.optimizer === 'sgd' ? 'sgd' : 'adam', cfg.optimizer === 'sgd' ? 0.9 : 0);
  const teacher: ModelRef = {
    name: cfg.teacher,
    opts: { numClasses: format.numClasses, width: cfg.teacher_width },
    size,
  };
  const student: ModelRef = {
    name: cfg.student,
    opts: { numClasses: format.numClasses, width: cfg.student_width },
    size,
  };
  const stages: StagePlan[] = [];
  let exportBytes = 0,
    teacherCacheBytes = 0;
  const needsTeacher = cfg.role === 'teacher' || terms.length > 0;
  const key = configHash({
    teacher: cfg.teacher,
    width: cfg.teacher_width,
    data: segRootOf(cfg, ctx.dataDir),
    w: cfg.width,
    h: cfg.height,
    n: cfg.n_train,
    epochs: cfg.teacher_epochs,
    opt: cfg.optimizer,
    lr: cfg.lr,
    wd: cfg.weight_decay,
    batch: cfg.batch,
    seed: cfg.teacher_seed > 0 ? cfg.teacher_seed : ctx.seed,
    backend: ctx.backendLabel,
    ...segTeacherExtras(cfg),
    ...teacherWeightsKey(cfg),
  });
  if (needsTeacher && !ctx.teachers.has(key)) {
    ctx.teachers.add(key);
    stages.push(stage(ctx.costs, 'teacher', teacherEpochs * perEpoch, cfg.batch, teacher, [], slots));
    exportBytes += exportBytesOf(ctx.costs, teacher);
  }
  if (cfg.role !== 'teacher') {
    for (const ae of kaPreStages(terms))
      stages.push(stage(ctx.costs, 'ka-autoencoder', ae * perEpoch, cfg.batch, null, [teacher], 0));
    stages.push(
      stage(ctx.costs, 'student', studentEpochs * perEpoch, cfg.batch, student, terms.length ? [teacher] : [], slots),
    );
    exportBytes += exportBytesOf(ctx.costs, student);
    if (terms.length && cfg.teacher_cache) {
      const taps = teacherTapsOf(terms);
      const stream = `${key}|seed=${ctx.seed}|batch=${cfg.batch}|taps=${[...taps].sort().join(',')}`;
      teacherCacheBytes = newCacheBytes(
        ctx,
        stream,
        studentEpochs,
        perEpoch,
        cacheFileBytes(ctx.costs, teacher, taps, cfg.batch),
      );
    }
  }
  return finishPlan(stages, { exportBytes, teacherCacheBytes }, ctx.costs);
}
