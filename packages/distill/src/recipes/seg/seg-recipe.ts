import fs from 'node:fs';
import path from 'node:path';
import { Rng, UsageError, writeJsonAtomic } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { crossEntropyIgnore } from '@kd/losses';
import { countModel, saveModel, type KdModel } from '@kd/models';
import { Distiller } from '../../distiller.ts';
import { evaluateSeg } from '../../evaluate-seg.ts';
import type { OptimizerSpec } from '../../optimizer.ts';
import { ensureTeacher } from '../../teacher/teacher-store.ts';
import { buildTerms } from '../../terms/build-terms.ts';
import type { TermSpec } from '../../terms/term-spec.ts';
import { loaderSource, type BatchSource } from '../../trainer/step-source.ts';
import { train, type TaskLoss } from '../../trainer/trainer.ts';
import { createWithWeights } from '../create-with-weights.ts';
import { initProvenance, storedTeacherCell } from '../init-provenance.ts';
import { loadTeacherWeights, resolveTeacherWeights } from '../teacher-weights.ts';
import { recordEvalGrid } from '../eval-grid.ts';
import {
  EVAL_METRICS,
  recordEval,
  runCallbacks,
  runCheckpointer,
  sharedTeacherCache,
  teacherCheckpointer,
  type RunContext,
} from '../run-context.ts';
import { smokeEvalLimit, smokeSteps } from '../smoke.ts';
import { segDataRoot, segLoaders, type SegDataConfig } from './seg-data.ts';
import { evaluateSegFullRes } from './full-res-eval.ts';
import { epochsOf, segFormat, segTeacherExtras } from './seg-format.ts';

export interface SegSweepConfig extends SegDataConfig {
  role: string;
  student: string;
  student_width: number;
  teacher: string;
  teacher_width: number;
  teacher_epochs: number;
  epochs: number;
  /** The teacher's schedule in iterations (the papers' unit; > 0 replaces teacher_epochs, see `epochsOf`). */
  teacher_iters: number;
  /** The student's schedule in iterations (> 0 replaces epochs). */
  iters: number;
  optimizer: string;
  lr: number;
  weight_decay: number;
  /** Cache teacher outputs/taps on disk per batch (worth it for expensive teachers; see TeacherOutputCache). */
  teacher_cache: boolean;
  /** '' = train the teacher; a .safetensors (the model's own names) or a saveModel folder = load it instead (docs/weights.md#weights-in-sweeps). */
  teacher_weights: string;
  /** The trained teacher's `weights` option: none | imagenet | FILE (only families with a weights option). */
  teacher_backbone_weights: string;
  /** The student's `weights` option: none | imagenet | FILE. */
  student_backbone_weights: string;
  /** The seed of the trained teacher (init, data order); 0 = each run's own seed. A fixed seed trains one teacher shared by every seed and every sweep with its config. */
  teacher_seed: number;
}

/** The run as the teacher sees it: `cfg.teacher_seed` (when > 0) in place of the run's seed. */
const teacherRun = (cfg: SegSweepConfig, run: RunContext): RunContext =>
  cfg.teacher_seed > 0 ? { ...run, seed: cfg.teacher_seed } : run;

/** SGD (momentum 0.9) or Adam, with the poly schedule (1 − t/T)^0.9 over the stage. */
export const optimizerOf = (cfg: SegSweepConfig): OptimizerSpec => ({
  kind: cfg.optimizer === 'sgd' ? 'sgd' : 'adam',
  lr: cfg.lr,
  momentum: cfg.optimizer === 'sgd' ? 0.9 : 0,
  weightDecay: cfg.weight_decay,
  schedule: 'poly',
});

const ce: TaskLoss = (s, b) => crossEntropyIgnore(s.outputs[0], b.label!);

/**
 * Scores `model` as `cfg.eval` says: `resize` on the resized val loader (quick); `whole` / `slide`
 * at the val images' own resolution (`evaluateSegFullRes`, windows of width×height).
 */
async function evaluate(model: KdModel, val: BatchSource, cfg: SegSweepConfig, root: string, run: RunContext) {
  const format = segFormat(cfg, root);
  if (cfg.eval === 'resize') return evaluateSeg(model, val, format.numClasses);
  if (cfg.eval !== 'whole' && cfg.eval !== 'slide')
    throw new UsageError(`--set eval: expected resize, whole or slide, got '${cfg.eval}'`);
  return evaluateSegFullRes(model, {
    ...format.val,
    root,
    numClasses: format.numClasses,
    mode: cfg.eval,
    window: [cfg.height, cfg.width],
    limit: smokeEvalLimit(run),
  });
}

const segRow = (
  model: KdModel,
  ev: Awaited<ReturnType<typeof evaluateSeg>>,
  width: number,
  height: number,
): ResultRow => {
  const count = countModel(model, [height, width]);
  return {
    model: model.name,
    params: count.params,
    gmacs: count.macs / 1e9,
    mIoU: ev.mIoU,
    aAcc: ev.aAcc,
    mAcc: ev.mAcc,
    n_test: ev.num_images,
    infer_img_s: Math.round(ev.inferImagesPerSecond * 10) / 10,
  };
};

/**
 * The teacher of a segmentation sweep, trained once per (architecture, data, recipe, seed,
 * backend, init) and shared by every student run through the teacher store; with
 * `teacher_weights` it is loaded from that file/folder (keyed by its sha256) and only evaluated.
 * The row carries `teacher_init`.
 */
export async function segTeacher(cfg: SegSweepConfig, run: RunContext) {
  const root = await segDataRoot(cfg, run.dataRoot);
  const tw = resolveTeacherWeights(cfg.teacher_weights);
  const spec = {
    teacher: cfg.teacher,
    width: cfg.teacher_width,
    data: root,
    w: cfg.width,
    h: cfg.height,
    n: cfg.n_train,
    epochs: cfg.teacher_epochs,
    opt: cfg.optimizer,
    lr: cfg.lr,
    wd: cfg.weight_decay,
    batch: cfg.batch,
    seed: run.seed,
    backend: run.backend.label,
    ...segTeacherExtras(cfg),
    ...(tw
      ? { weights: tw.sha256 }
      : cfg.teacher_backbone_weights !== 'none'
        ? { backbone_weights: cfg.teacher_backbone_weights }
        : {}),
  };
  return ensureTeacher(
    run.cacheDir,
    spec,
    async () => {
      const build = (weights: string) =>
        createWithWeights(
          cfg.teacher,
          {
            rng: new Rng(run.seed).fork('init/teacher'),
            numClasses: segFormat(cfg, root).numClasses,
            width: cfg.teacher_width,
          },
          weights,
          'teacher_backbone_weights',
        );
      if (tw) {
        const model = await loadTeacherWeights(tw, () => build('none').model);
        const { val } = segLoaders(cfg, root, run.seed, smokeEvalLimit(run));
        try {
          return {
            model,
            row: {
              ...segRow(model, await evaluate(model, val, cfg, root, run), cfg.width, cfg.height),
              ...initProvenance({ teacher: { loaded: tw.source, sha256: tw.sha256 } }),
            },
          };
        } finally {
          await val.close();
        }
      }
      const { model, init } = build(cfg.teacher_backbone_weights);
      const { train: trainLoader, val } = segLoaders(cfg, root, run.seed, smokeEvalLimit(run));
      try {
        await train({
          model,
          source: loaderSource(trainLoader),
          epochs: epochsOf(cfg.teacher_iters, cfg.teacher_epochs, trainLoader.stepsPerEpoch),
          optimizer: optimizerOf(cfg),
          task: ce,
          stage: 'teacher',
          callbacks: runCallbacks(run, `teacher ${cfg.teacher}`, 'teacher'),
          checkpoint: teacherCheckpointer(run, spec),
          maxSteps: smokeSteps(run),
        });
        return {
          model,
          row: {
            ...segRow(model, await evaluate(model, val, cfg, root, run), cfg.width, cfg.height),
            ...initProvenance({ teacher: { trained: init } }),
          },
        };
      } finally {
        await trainLoader.close();
        await val.close();
      }
    },
    { progress: run.progress, defer: run.deferBusyTeacher },
  );
}

/**
 * One segmentation run: the teacher row (`role=teacher`), or a student trained with CE plus the
 * declared distillation terms (bound by name to the student's and the teacher's taps); no terms
 * is the no-KD baseline, which neither needs nor waits for the teacher.
 */
export async function segRecipe(
  cfg: SegSweepConfig,
  run: RunContext,
  termSpecs: readonly TermSpec[],
): Promise<ResultRow> {
  const teacher = cfg.role === 'teacher' || termSpecs.length ? await segTeacher(cfg, teacherRun(cfg, run)) : null;
  if (teacher) fs.writeFileSync(path.join(run.runDir, 'teacher-key.txt'), teacher.key);
  if (cfg.role === 'teacher') {
    teacher!.model.dispose();
    return { ...teacher!.row, ...initProvenance({ teacher: storedTeacherCell(teacher!.row) }) };
  }
  const root = await segDataRoot(cfg, run.dataRoot);
  const { model: student, init } = createWithWeights(
    cfg.student,
    { rng: run.rng.fork('init/student'), numClasses: segFormat(cfg, root).numClasses, width: cfg.student_width },
    cfg.student_backbone_weights,
    'student_backbone_weights',
  );
  const { train: trainLoader, val } = segLoaders(cfg, root, run.seed, smokeEvalLimit(run));
  let distiller: Distiller | undefined;
  try {
    if (teacher) {
      const terms = buildTerms(termSpecs, { student, teacher: teacher.model, rng: run.rng });
      const cache = cfg.teacher_cache ? sharedTeacherCache(run, 'teacher-outputs', teacher.key) : null;
      distiller = new Distiller(student, teacher.model, terms, cache);
    }
    const fit = await train({
      model: student,
      source: loaderSource(trainLoader, `seed=${run.seed}|`),
      epochs: epochsOf(cfg.iters, cfg.epochs, trainLoader.stepsPerEpoch),
      optimizer: optimizerOf(cfg),
      task: ce,
      distiller,
      callbacks: runCallbacks(run, cfg.student, 'student'),
      checkpoint: runCheckpointer(run, cfg, 'student'),
      maxSteps: smokeSteps(run),
    });
    const ev = await evaluate(student, val, cfg, root, run);
    writeJsonAtomic(path.join(run.runDir, 'per-image.json'), ev.perImage);
    const row = segRow(student, ev, cfg.width, cfg.height);
    recordEval(run, 'student', fit.steps, row, EVAL_METRICS.seg);
    await recordEvalGrid(run, 'student', fit.steps, student, val, 'seg');
    await saveModel(student, path.join(run.runDir, 'student'));
    return {
      ...row,
      train_img_s: Math.round(fit.imagesPerSecond * 10) / 10,
      teacher_mIoU: teacher?.row.mIoU ?? null,
      ...initProvenance({ teacher: teacher && storedTeacherCell(teacher.row), student: init }),
    };
  } finally {
    await trainLoader.close();
    await val.close();
    distiller?.dispose();
    student.dispose();
    teacher?.model.dispose();
  }
}
