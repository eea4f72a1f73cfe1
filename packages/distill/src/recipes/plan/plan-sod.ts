import { configHash } from '@kd/core';
import type { TermSpec } from '../../terms/term-spec.ts';
import { isSyntheticSod, sodLabeledRoot, type SodDataConfig } from '../sod/sod-data.ts';
import { sodRecipeKeys, sodTeacherRecipeKey } from '../sod/sod-recipe-keys.ts';
import type { SodSweepConfig } from '../sod/sod-recipe.ts';
import { batchesPerEpoch, datasetImages } from './dataset-size.ts';
import { exportBytesOf, finishPlan, stage } from './finish-plan.ts';
import { teacherWeightsKey, type PlanContext } from './plan-context.ts';
import type { ModelRef, RunPlan, StagePlan } from './run-plan.ts';
import { cacheFileBytes, newCacheBytes, teacherTapsOf } from './teacher-cache-bytes.ts';

/** Optimizer slots per parameter: Adam's m and v, momentum SGD's velocity. */
const ADAM = 2,
  MOMENTUM = 1;

/** The labeled root `sodDataRoots` would use (a teacher key's `data`), without generating anything. */
export const sodLabeledRootOf = (cfg: SodDataConfig, dataDir: string) => sodLabeledRoot(cfg, dataDir);

/** Labeled training images (`sod-kdscfnet` train) of a SOD config. */
export const sodTrainImages = (cfg: SodDataConfig, ctx: PlanContext) =>
  datasetImages(
    {
      data: isSyntheticSod(cfg.data) ? 'synthetic' : cfg.data,
      kind: 'sod-kdscfnet',
      split: 'train',
      synthetic: cfg.n_train,
    },
    ctx.countRoot,
  );

/**
 * The plan of one `sod` run (mirrors sodRecipe): the teacher row trains the SCFNet teacher on the
 * labels (once per teacher key); a `student` row trains on the labels for `epochs`; a `kd` row
 * needs the teacher and trains on the unlabeled images for `kd_epochs` with the teacher's
 * forward (cached on disk when `teacher_cache`). Adam, or momentum SGD with `optimizer: sgd`.
 */
export function planSod(cfg: SodSweepConfig, ctx: PlanContext, terms: readonly TermSpec[]): RunPlan {
  const size: [number, number] = [cfg.size, cfg.size];
  const slots = sodRecipeKeys(cfg).optimizer === 'sgd' ? MOMENTUM : ADAM;
  const labeled = batchesPerEpoch(sodTrainImages(cfg, ctx), cfg.batch, `plan sod (data ${cfg.data})`);
  const teacher: ModelRef = {
    name: cfg.teacher,
    opts: { backboneWidth: cfg.teacher_width, channels: cfg.teacher_channels },
    size,
  };
  const student: ModelRef = { name: cfg.model, opts: {}, size };
  const stages: StagePlan[] = [];
  let exportBytes = 0,
    teacherCacheBytes = 0;
  const key = configHash({
    teacher: cfg.teacher,
    width: cfg.teacher_width,
    channels: cfg.teacher_channels,
    data: sodLabeledRootOf(cfg, ctx.dataDir),
    size: cfg.size,
    epochs: cfg.teacher_epochs,
    lr: cfg.lr,
    batch: cfg.batch,
    seed: sodRecipeKeys(cfg).teacher_seed || ctx.seed,
    backend: ctx.backendLabel,
    ...sodTeacherRecipeKey(sodRecipeKeys(cfg)),
    ...teacherWeightsKey(cfg),
  });
  if ((cfg.role === 'teacher' || cfg.role === 'kd') && !ctx.teachers.has(key)) {
    ctx.teachers.add(key);
    stages.push(stage(ctx.costs, 'teacher', cfg.teacher_epochs * labeled, cfg.batch, teacher, [], slots));
    exportBytes += exportBytesOf(ctx.costs, teacher);
  }
  if (cfg.role === 'kd') {
    const unlabeled = batchesPerEpoch(
      datasetImages(
        {
          data: isSyntheticSod(cfg.unlabeled) ? 'synthetic' : cfg.unlabeled,
          kind: 'sod-unlabeled',
          split: 'train',
          synthetic: cfg.n_unlabeled,
        },
        ctx.countRoot,
      ),
      cfg.batch,
      `plan sod (unlabeled ${cfg.unlabeled})`,
    );
    stages.push(stage(ctx.costs, 'student', cfg.kd_epochs * unlabeled, cfg.batch, student, [teacher], slots));
    if (cfg.teacher_cache) {
      const taps = teacherTapsOf(terms);
      const stream = `${key}|seed=${ctx.seed}|unlabeled=${cfg.unlabeled}|batch=${cfg.batch}|taps=${[...taps].sort().join(',')}`;
      teacherCacheBytes = newCacheBytes(
        ctx,
        stream,
        cfg.kd_epochs,
        unlabeled,
        cacheFileBytes(ctx.costs, teacher, taps, cfg.batch),
      );
    }
  } else if (cfg.role !== 'teacher') {
    stages.push(stage(ctx.costs, 'student', cfg.epochs * labeled, cfg.batch, student, [], slots));
  }
  if (cfg.role !== 'teacher') exportBytes += exportBytesOf(ctx.costs, student);
  return finishPlan(stages, { exportBytes, teacherCacheBytes }, ctx.costs);
}
