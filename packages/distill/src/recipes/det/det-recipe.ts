import fs from 'node:fs';
import path from 'node:path';
import { Rng, UsageError } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import {
  DET_AUGMENT_DEFAULTS,
  datasetKind,
  loadDetSplit,
  planDetBatches,
  synthCocoDataset,
  type CocoTwinStyle,
} from '@kd/data';
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
import { SMOKE_EVAL_IMAGES, SMOKE_STEPS, smokeSteps } from '../smoke.ts';
import { loadRealDet, resolveDetRoots } from './det-real-data.ts';
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

export interface DetSweepConfig {
  [key: string]: string | number | boolean;
  /** `chance` (random boxes), `teacher`, or `student` (no KD without terms). */
  role: string;
  dataset: string;
  /** Scenes of the synthetic COCO twin: `fall2` (default) or `cluttered8` (see synthCocoDataset). */
  twin: string;
  size: number;
  n_train: number;
  batch: number;
  lr: number;
  teacher: string;
  teacher_width: number;
  teacher_epochs: number;
  /** Seed of the one teacher every student seed distils from. */
  teacher_seed: number;
  student: string;
  student_width: number;
  student_epochs: number;
  /** '' = train the teacher; a .safetensors (kdlab or Megvii names) or a saveModel folder = load it instead (docs/weights.md#weights-in-sweeps). */
  teacher_weights: string;
  /** The trained teacher's `weights` option: none | imagenet | FILE (YOLOX has none: only `none`). */
  teacher_backbone_weights: string;
  /** The student's `weights` option: none | imagenet | FILE (YOLOX has none: only `none`). */
  student_backbone_weights: string;
}

const SPLITS: Record<string, [string, string]> = {
  'coco-det': ['train2017', 'val2017'],
  'voc-det': ['trainval', 'test'],
};
const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);
const scoreCells = (s: DetScores): ResultRow => ({
  voc07_mAP: r4(s.voc07),
  voc_allpt_mAP: r4(s.vocAllPoint),
  coco_AP: r4(s.coco.AP),
  coco_AP50: r4(s.coco.AP50),
  coco_AP75: r4(s.coco.AP75),
});

/**
 * The run's detection data. `dataset` = `coco-det` or `voc-det`: the synthetic twin (quick
 * profile); any other value is a real root (a path, relative to --data-root: VOC or COCO JSON,
 * see resolveDetRoots), letterboxed to `size`² — the `full` profile never synthesises.
 * `--smoke` keeps the first 2·batch train and 4 test samples.
 */
async function detData(cfg: DetSweepConfig, run: RunContext) {
  const limits = run.smoke ? { train: SMOKE_STEPS * cfg.batch, test: SMOKE_EVAL_IMAGES } : {};
  const splits = SPLITS[cfg.dataset];
  const d = splits
    ? await synthDetData(cfg, run.dataRoot, splits, limits)
    : await realDetData(cfg, run.dataRoot, limits);
  const K = d.train.classes.length;
  const perEpoch = Math.floor(d.train.samples.length / cfg.batch);
  if (perEpoch < 1)
    throw new UsageError(
      `det recipe: ${d.train.samples.length} training images at batch ${cfg.batch} make no step; lower 'batch' (dataset '${cfg.dataset}')`,
    );
  return {
    ...d,
    K,
    augment: { ...DET_AUGMENT_DEFAULTS, size: cfg.size, numClasses: K },
    perEpoch,
  };
}
type DetLimits = { train?: number; test?: number };

/** A real VOC / COCO-JSON root (resolveDetRoots), letterboxed to `size`². */
async function realDetData(cfg: DetSweepConfig, dataRoot: string, limits: DetLimits) {
  const roots = resolveDetRoots(cfg.dataset, dataRoot);
  const { train, test } = await loadRealDet(roots, cfg.size, limits);
  return { root: path.resolve(dataRoot, cfg.dataset), train, test, crowdFlag: roots.kind === 'coco-det' };
}

/** The synthetic twin of `dataset` (the one place its root is built: dataset, twin, size, n_train). */
/** The folder of a config's synthetic twin under `dataRoot` (`twin` picks the COCO twin's scenes: fall2, cluttered8). */
export function synthDetRoot(
  cfg: Pick<DetSweepConfig, 'dataset' | 'size' | 'n_train' | 'twin'>,
  dataRoot: string,
): string {
  const twin = cfg.twin || 'fall2';
  return path.join(
    dataRoot,
    `synthetic-${cfg.dataset}-${cfg.size}-n${cfg.n_train}${twin === 'fall2' ? '' : `-${twin}`}`,
  );
}

async function synthDetData(cfg: DetSweepConfig, dataRoot: string, splits: [string, string], limits: DetLimits) {
  // The synthetic twin: fall2 (2 colour-coded classes) or cluttered8 (8 classes sharing hues, clutter, occlusion).
  const twin = (cfg.twin || 'fall2') as CocoTwinStyle;
  const root = synthDetRoot(cfg, dataRoot);
  if (twin !== 'fall2' && cfg.dataset !== 'coco-det')
    throw new UsageError(`det recipe: twin '${twin}' exists for dataset coco-det only, got '${cfg.dataset}'`);
  if (twin === 'fall2')
    await datasetKind(cfg.dataset).synth(root, { seed: 1, n: cfg.n_train, width: cfg.size, height: cfg.size });
  else await synthCocoDataset(root, { seed: 1, n: cfg.n_train, width: cfg.size, height: cfg.size, style: twin });
  const trainSplit = await loadDetSplit(cfg.dataset, root, splits[0], { limit: limits.train });
  const test = await loadDetSplit(cfg.dataset, root, splits[1], { limit: limits.test });
  return { root, train: trainSplit, test, crowdFlag: cfg.dataset === 'coco-det' };
}
type DetData = Awaited<ReturnType<typeof detData>>;

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
      : cfg.teacher_backbone_weights !== 'none'
        ? { backbone_weights: cfg.teacher_backbone_weights }
        : {}),
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
      const plan = planDetBatches(d.train.samples, {
        epochs: cfg.teacher_epochs,
        batchSize: cfg.batch,
        rng: rng.fork('data'),
        augment: d.augment,
        ...yoloxPlan(yk),
      });
      const fit = await train({
        model,
        source: planSource(plan, d.perEpoch, model.normalization, (g) => `teacher|step=${g}`),
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
  const plan = planDetBatches(d.train.samples, {
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
    const aug = yk.mosaic || yk.mixup ? `|mosaic=${yk.mosaic}|mixup=${yk.mixup}|noaug=${yk.no_aug_epochs}` : '';
    const keyOf = (g: number) => `seed=${run.seed}|epochs=${cfg.student_epochs}|batch=${cfg.batch}${aug}|step=${g}`;
    const modules = [student, ...(distiller?.terms ?? []).flatMap((t) => (t.module ? [t.module] : []))];
    const fit = await train({
      model: student,
      source: planSource(plan, d.perEpoch, student.normalization, keyOf),
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
