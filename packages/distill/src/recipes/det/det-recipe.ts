import fs from 'node:fs';
import path from 'node:path';
import { Rng, UsageError } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { DET_PLAN_VERSION, planDetBatches } from '@kd/data';
import { countModel, isTask, saveModel, type DetectionModel } from '@kd/models';
import { chanceDetections } from '../../detection/chance-detector.ts';
import { evaluateDetector, scoreDetections, type DetScores } from '../../detection/evaluate-detector.ts';
import { Distiller } from '../../distiller.ts';
import { ensureTeacher } from '../../teacher/teacher-store.ts';
import { buildTerms } from '../../terms/build-terms.ts';
import type { TermSpec } from '../../terms/term-spec.ts';
import { planSource } from '../../trainer/step-source.ts';
import { train, type TrainResult } from '../../trainer/trainer.ts';
import { learningRate } from '../../lr-schedule.ts';
import { changedYoloxKeys, yoloxEma, yoloxKeys, yoloxPlan, yoloxSgd, yoloxTask } from './yolox-recipe.ts';
import { smokeSteps } from '../smoke.ts';
import type { DetSweepConfig } from './det-config.ts';
import { detData, type DetData } from './det-data.ts';
import { createWithWeights } from '../create-with-weights.ts';
import { initProvenance, storedTeacherCell } from '../init-provenance.ts';
import { loadTeacherWeights, resolveTeacherWeights } from '../teacher-weights.ts';
import {
  EVAL_METRICS,
  recordEval,
  runCallbacks,
  runCheckpointer,
  sharedTeacherCache,
  teacherCheckpointer,
  type RunContext,
} from '../run-context.ts';

const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);
const scoreCells = (s: DetScores): ResultRow => ({
  voc07_mAP: r4(s.voc07),
  voc_allpt_mAP: r4(s.vocAllPoint),
  coco_AP: r4(s.coco.AP),
  coco_AP50: r4(s.coco.AP50),
  coco_AP75: r4(s.coco.AP75),
});

/** A detector with its init (`weights` from `key`); see createWithWeights. */
function build(name: string, width: number, rng: Rng, K: number, weights: string, key: string) {
  const { model: m, init } = createWithWeights(name, { rng, numClasses: K, width }, weights, key);
  if (isTask(m, 'det')) return { model: m, init };
  m.dispose();
  throw new UsageError(`det recipe: '${name}' is a ${m.task} model; teacher and student must be detectors (yolox-*)`);
}

/**
 * Adam (instead of YOLOX's SGD: our CPU schedules are a few hundred steps) with YOLOX's lr shape:
 * linear warm-up from lr/10 over min(50, 10 % of the steps), then cosine to 0.05·lr.
 */
function detOptimizer(cfg: DetSweepConfig, totalSteps: number) {
  return {
    kind: 'adam' as const,
    lr: cfg.lr,
    schedule: 'cosine' as const,
    warmupSteps: Math.min(50, Math.floor(totalSteps / 10)),
    warmupFrom: 0.1,
    floor: 0.05,
  };
}

/** lr at `step` of `total` of `detOptimizer`'s schedule. */
export const detLr = (lr: number, step: number, total: number, warmup: number) =>
  learningRate({ lr, schedule: 'cosine', warmupSteps: warmup, warmupFrom: 0.1, floor: 0.05 }, step, total);

/** Model cells plus test-split scores and throughput of a detector (training cells null for a loaded one). */
function detRow(m: DetectionModel, width: number, d: DetData, cfg: DetSweepConfig, fit: TrainResult | null): ResultRow {
  const ev = evaluateDetector(m, d.test.samples, { size: cfg.size, crowdFlag: d.crowdFlag });
  return {
    model: `${m.name}@w${width}`,
    params: m.countParams(),
    mmacs: Math.round(countModel(m, [cfg.size, cfg.size]).macs / 1e4) / 100,
    size: cfg.size,
    ...scoreCells(ev),
    n_test: ev.numImages,
    infer_img_s: Math.round(ev.inferImagesPerSecond),
    train_img_s: fit && Math.round(fit.imagesPerSecond * 10) / 10,
    train_s: fit && Math.round(fit.seconds),
  };
}

/**
 * The YOLOX teacher, trained once (seed `teacher_seed`) and shared by every student seed; with
 * `teacher_weights` loaded from that file/folder (keyed by its sha256) and only evaluated.
 * The row carries `teacher_init`.
 */
async function detTeacher(cfg: DetSweepConfig, run: RunContext, d: DetData) {
  const tw = resolveTeacherWeights(cfg.teacher_weights);
  const yk = yoloxKeys(cfg);
  const spec = {
    teacher: cfg.teacher,
    width: cfg.teacher_width,
    data: d.root,
    size: cfg.size,
    epochs: cfg.teacher_epochs,
    lr: cfg.lr,
    batch: cfg.batch,
    seed: cfg.teacher_seed,
    backend: run.backend.label,
    ...changedYoloxKeys(cfg), // the YOLOX recipe keys set away from their defaults train another teacher
    ...(tw
      ? { weights: tw.sha256 }
      : {
          plan: DET_PLAN_VERSION, // a teacher trained here saw this version's batches
          ...(cfg.teacher_backbone_weights !== 'none' ? { backbone_weights: cfg.teacher_backbone_weights } : {}),
        }),
  };
  return ensureTeacher(
    run.cacheDir,
    spec,
    async () => {
      const rng = new Rng(cfg.teacher_seed, 'teacher');
      if (tw) {
        const model = (await loadTeacherWeights(
          tw,
          () => build(cfg.teacher, cfg.teacher_width, rng.fork('init'), d.K, 'none', 'teacher_backbone_weights').model,
        )) as DetectionModel;
        return {
          model,
          row: {
            ...detRow(model, cfg.teacher_width, d, cfg, null),
            kd_params: 0,
            ...initProvenance({ teacher: { loaded: tw.source, sha256: tw.sha256 } }),
          },
        };
      }
      const { model, init } = build(
        cfg.teacher,
        cfg.teacher_width,
        rng.fork('init'),
        d.K,
        cfg.teacher_backbone_weights,
        'teacher_backbone_weights',
      );
      const plan = planDetBatches(d.train.source, {
        epochs: cfg.teacher_epochs,
        batchSize: cfg.batch,
        rng: rng.fork('data'),
        augment: d.augment,
        ...yoloxPlan(yk),
      });
      const fit = await train({
        model,
        source: planSource(plan, model.normalization, (g) => `teacher|step=${g}`),
        epochs: cfg.teacher_epochs,
        optimizer: yk.optimizer === 'sgd' ? yoloxSgd(cfg.lr, yk, d.perEpoch, [model]) : detOptimizer(cfg, plan.length),
        task: yoloxTask(model, yk, cfg.teacher_epochs),
        ema: yoloxEma(yk),
        stage: 'teacher',
        callbacks: runCallbacks(run, 'teacher', 'teacher'),
        checkpoint: teacherCheckpointer(run, spec),
        maxSteps: smokeSteps(run),
      });
      return {
        model,
        row: {
          ...detRow(model, cfg.teacher_width, d, cfg, fit),
          kd_params: 0,
          ...initProvenance({ teacher: { trained: init } }),
        },
      };
    },
    { progress: run.progress, defer: run.deferBusyTeacher },
  );
}

/**
 * One detection run on a YOLOX pair: a chance row (random boxes), the teacher row, or a student
 * trained with its own objective plus the declared terms (FSD at the neck levels; no terms = no
 * KD). Students of one seed start from the same init and see the same augmented batches; the
 * teacher's taps are cached on disk per (teacher, seed, step), so the KD rows of a seed run the
 * teacher once. Scores on the test split (VOC07 11-point, VOC all-point, COCO).
 */
export async function detRecipe(
  cfg: DetSweepConfig,
  run: RunContext,
  termSpecs: readonly TermSpec[],
): Promise<ResultRow> {
  const yk = yoloxKeys(cfg); // optimizer, augmentation, EMA, L1 (yolox-recipe.ts)
  const d = await detData(cfg, run);
  if (cfg.role === 'chance') {
    const dets = chanceDetections(new Rng(run.seed, 'chance'), d.test.samples, d.K);
    return {
      model: 'random boxes',
      params: 0,
      kd_params: 0,
      ...scoreCells(scoreDetections(d.test.samples, dets, d.K, d.crowdFlag)),
      n_test: d.test.samples.length,
      ...initProvenance({}),
    };
  }
  const kd = termSpecs.length > 0;
  // The no-KD row neither needs nor waits for the teacher (another job may be training it meanwhile).
  const teacher = cfg.role === 'teacher' || kd ? await detTeacher(cfg, run, d) : null;
  if (teacher) fs.writeFileSync(path.join(run.runDir, 'teacher-key.txt'), teacher.key); // the report finds the run's teacher by it
  if (cfg.role === 'teacher') {
    teacher!.model.dispose();
    return { ...teacher!.row, ...initProvenance({ teacher: storedTeacherCell(teacher!.row) }) };
  }
  const { model: student, init } = build(
    cfg.student,
    cfg.student_width,
    run.rng.fork('init/student'),
    d.K,
    cfg.student_backbone_weights,
    'student_backbone_weights',
  );
  const plan = planDetBatches(d.train.source, {
    epochs: cfg.student_epochs,
    batchSize: cfg.batch,
    rng: run.rng.fork('data/student'),
    augment: d.augment,
    ...yoloxPlan(yk),
  });
  const cache = teacher ? sharedTeacherCache(run, 'teacher-taps', teacher.key) : null;
  const distiller = teacher
    ? new Distiller(
        student,
        teacher.model,
        buildTerms(termSpecs, { student, teacher: teacher.model, rng: run.rng }),
        cache,
      )
    : undefined;
  try {
    const aug =
      (yk.mosaic || yk.mixup ? `|mosaic=${yk.mosaic}|mixup=${yk.mixup}|noaug=${yk.no_aug_epochs}` : '') +
      (yk.multiscale > 0 ? `|multiscale=${yk.multiscale}` : '');
    const keyOf = (g: number) =>
      `plan=${DET_PLAN_VERSION}|seed=${run.seed}|epochs=${cfg.student_epochs}|batch=${cfg.batch}${aug}|step=${g}`;
    const modules = [student, ...(distiller?.terms ?? []).flatMap((t) => (t.module ? [t.module] : []))];
    const fit = await train({
      model: student,
      source: planSource(plan, student.normalization, keyOf),
      epochs: cfg.student_epochs,
      optimizer: yk.optimizer === 'sgd' ? yoloxSgd(cfg.lr, yk, d.perEpoch, modules) : detOptimizer(cfg, plan.length),
      task: yoloxTask(student, yk, cfg.student_epochs),
      ema: yoloxEma(yk),
      distiller,
      callbacks: runCallbacks(run, `student ${kd ? 'FSD' : 'no KD'} seed ${run.seed}`, 'student'),
      checkpoint: runCheckpointer(run, cfg, 'student'),
      maxSteps: smokeSteps(run),
    });
    const row = {
      ...detRow(student, cfg.student_width, d, cfg, fit),
      kd_params: distiller?.extraParams() ?? 0,
      ...initProvenance({ teacher: teacher ? storedTeacherCell(teacher.row) : null, student: init }),
    };
    recordEval(run, 'student', fit.steps, row, EVAL_METRICS.det);
    await saveModel(student, path.join(run.runDir, 'student'));
    return row;
  } finally {
    distiller?.dispose();
    student.dispose();
    teacher?.model.dispose();
  }
}
