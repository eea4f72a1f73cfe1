import fs from 'node:fs';
import path from 'node:path';
import { configHash, UsageError } from '@kd/core';
import { SYNTH_COCO_CATEGORIES, VOC_DET_CLASSES, openDataset } from '@kd/data';
import { resolveDetRoots } from '../det/det-real-data.ts';
import type { TermSpec } from '../../terms/term-spec.ts';
import type { DetSweepConfig } from '../det/det-config.ts';
import { PAPER_SIZES, batchesPerEpoch } from './dataset-size.ts';
import { exportBytesOf, finishPlan, stage } from './finish-plan.ts';
import { teacherWeightsKey, type PlanContext } from './plan-context.ts';
import type { ModelRef, RunPlan, StagePlan } from './run-plan.ts';
import { cacheFileBytes, newCacheBytes, teacherTapsOf } from './teacher-cache-bytes.ts';

const CLASSES: Record<string, number> = { 'coco-det': SYNTH_COCO_CATEGORIES.length, 'voc-det': VOC_DET_CLASSES.length };

/**
 * Classes, training images and data root of a det run: the synthetic twin's (`coco-det`,
 * `voc-det`: `n_train`); a real root counted where it is (--data-root, else the default data
 * folder when it holds it), else the paper's size (VOC07+12 trainval 16,551 / 20 classes, COCO
 * train2017 118,287 / 80 classes).
 */
function detDataSize(cfg: DetSweepConfig, ctx: PlanContext): { K: number; images: number; root: string } {
  const K = CLASSES[cfg.dataset];
  if (K !== undefined)
    return {
      K,
      images: cfg.n_train,
      root: path.join(ctx.dataDir, `synthetic-${cfg.dataset}-${cfg.size}-n${cfg.n_train}`),
    };
  const base = ctx.countRoot ?? ctx.dataDir;
  const root = path.resolve(base, cfg.dataset);
  if (ctx.countRoot || fs.existsSync(root)) {
    const roots = resolveDetRoots(cfg.dataset, base);
    const lists = roots.train.map((t) => openDataset(roots.kind, t.root, t.split));
    return { K: lists[0].classes.length, images: lists.reduce((n, l) => n + l.refs.length, 0), root };
  }
  const name = cfg.dataset.toLowerCase();
  if (name.includes('voc')) return { K: VOC_DET_CLASSES.length, images: PAPER_SIZES.voc.trainval, root };
  if (name.includes('coco')) return { K: 80, images: PAPER_SIZES.coco.train2017, root };
  throw new UsageError(
    `plan det: dataset '${cfg.dataset}' is not at ${root} and has no paper size (a name with voc or coco); give --data-root DIR to count its files`,
  );
}

/**
 * The plan of one `det` run (mirrors detRecipe: the synthetic twin of `n_train` images, or a
 * real root, see detDataSize): chance rows train nothing; the YOLOX teacher trains once per key
 * (teacher_epochs × ⌊n/batch⌋); a student trains student_epochs × ⌊n/batch⌋ with the teacher's
 * forward when it has terms, whose taps are always cached (one file per step, keyed by seed).
 */
export function planDet(cfg: DetSweepConfig, ctx: PlanContext, terms: readonly TermSpec[]): RunPlan {
  if (cfg.role === 'chance') return finishPlan([], { exportBytes: 0, teacherCacheBytes: 0 }, ctx.costs);
  const { K, images, root } = detDataSize(cfg, ctx);
  const perEpoch = batchesPerEpoch(images, cfg.batch, `plan det (${cfg.dataset})`);
  const size: [number, number] = [cfg.size, cfg.size];
  const teacher: ModelRef = { name: cfg.teacher, opts: { numClasses: K, width: cfg.teacher_width }, size };
  const student: ModelRef = { name: cfg.student, opts: { numClasses: K, width: cfg.student_width }, size };
  const key = configHash({
    teacher: cfg.teacher,
    width: cfg.teacher_width,
    data: root,
    size: cfg.size,
    epochs: cfg.teacher_epochs,
    lr: cfg.lr,
    batch: cfg.batch,
    seed: cfg.teacher_seed,
    backend: ctx.backendLabel,
    ...teacherWeightsKey(cfg),
  });
  const stages: StagePlan[] = [];
  let exportBytes = 0,
    teacherCacheBytes = 0;
  if (!ctx.teachers.has(key)) {
    ctx.teachers.add(key);
    stages.push(stage(ctx.costs, 'teacher', cfg.teacher_epochs * perEpoch, cfg.batch, teacher, [], 2));
    exportBytes += exportBytesOf(ctx.costs, teacher);
  }
  if (cfg.role !== 'teacher') {
    stages.push(
      stage(ctx.costs, 'student', cfg.student_epochs * perEpoch, cfg.batch, student, terms.length ? [teacher] : [], 2),
    );
    exportBytes += exportBytesOf(ctx.costs, student);
    if (terms.length) {
      const taps = teacherTapsOf(terms);
      const stream = `${key}|seed=${ctx.seed}|epochs=${cfg.student_epochs}|batch=${cfg.batch}|taps=${[...taps].sort().join(',')}`;
      teacherCacheBytes = newCacheBytes(
        ctx,
        stream,
        cfg.student_epochs,
        perEpoch,
        cacheFileBytes(ctx.costs, teacher, taps, cfg.batch),
      );
    }
  }
  return finishPlan(stages, { exportBytes, teacherCacheBytes }, ctx.costs);
}
