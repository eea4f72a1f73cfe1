import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { saveModel } from '@kd/models';
import { Distiller } from '../../distiller.ts';
import { ensureTeacher } from '../../teacher/teacher-store.ts';
import { buildTerms } from '../../terms/build-terms.ts';
import type { TermSpec } from '../../terms/term-spec.ts';
import { createWithWeights } from '../create-with-weights.ts';
import { initProvenance, storedTeacherCell } from '../init-provenance.ts';
import { loadTeacherWeights, resolveTeacherWeights } from '../teacher-weights.ts';
import { recordEvalGrid } from '../eval-grid.ts';
import {
  EVAL_METRICS,
  recordEval,
  runCheckpointer,
  sharedTeacherCache,
  teacherCheckpointer,
  type RunContext,
} from '../run-context.ts';
import { smokeEvalLimit } from '../smoke.ts';
import { initScfnetR50Backbone } from './sod-optimizer.ts';
import { sodRecipeKeys, sodTeacherRecipeKey } from './sod-recipe-keys.ts';
import { sodTestRow, sodTestSets } from './sod-test-sets.ts';
import { sodDataRoots, sodLoaders, type SodDataConfig } from './sod-data.ts';
import { sodRow, trainSod, type SodLossKind } from './sod-train.ts';

export interface SodSweepConfig extends SodDataConfig {
  /** `teacher`, `student` (labels) or `kd` (unlabeled images, distillation only). */
  role: string;
  model: string;
  loss: string;
  teacher: string;
  teacher_width: number;
  teacher_channels: number;
  teacher_epochs: number;
  epochs: number;
  kd_epochs: number;
  lr: number;
  /** Adam β2 of the student (CSNet's official recipe: 0.99). */
  adam_beta2: number;
  teacher_cache: boolean;
  /** '' = train the teacher; a .safetensors (the model's own names) or a saveModel folder = load it instead (docs/weights.md#weights-in-sweeps). */
  teacher_weights: string;
  /** The trained teacher's `weights` option: none | imagenet | FILE (only families with a weights option). */
  teacher_backbone_weights: string;
  /** The student's `weights` option: none | imagenet | FILE (scfnet-mbv3-x0.5: its MobileNetV3 backbone). */
  student_backbone_weights: string;
}

/** The teacher's seed: `teacher_seed` when set (one teacher shared by all seeds), else the run's. */
const teacherSeedOf = (cfg: SodSweepConfig, run: RunContext) => sodRecipeKeys(cfg).teacher_seed || run.seed;

/**
 * The SCFNet teacher trained on the labels, once per (recipe, teacher seed, backend, init); with
 * `teacher_weights` loaded from that file/folder (keyed by its sha256) and only evaluated.
 * The row carries `teacher_init`.
 */
export async function sodTeacher(cfg: SodSweepConfig, run: RunContext) {
  const roots = await sodDataRoots(cfg, run.dataRoot, { unlabeled: false });
  const tw = resolveTeacherWeights(cfg.teacher_weights);
  const seed = teacherSeedOf(cfg, run);
  const keys = sodRecipeKeys(cfg);
  const sets = sodTestSets(cfg, run.dataRoot);
  const spec = {
    teacher: cfg.teacher,
    width: cfg.teacher_width,
    channels: cfg.teacher_channels,
    data: roots.labeled,
    size: cfg.size,
    epochs: cfg.teacher_epochs,
    lr: cfg.lr,
    batch: cfg.batch,
    seed,
    backend: run.backend.label,
    ...sodTeacherRecipeKey(keys),
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
      const build = (weights: string) => {
        // scfnet-r50 has no `weights` option: its ResNet-50 trunk is loaded here (initScfnetR50Backbone).
        const r50 = cfg.teacher === 'scfnet-r50';
        const built = createWithWeights(
          cfg.teacher,
          {
            rng: new Rng(seed).fork('init/teacher'),
            backboneWidth: cfg.teacher_width,
            channels: cfg.teacher_channels,
          },
          r50 ? 'none' : weights,
          'teacher_backbone_weights',
        );
        if (!r50 || weights === 'none') return built;
        try {
          return { model: built.model, init: initScfnetR50Backbone(built.model, weights, 'teacher_backbone_weights') };
        } catch (e) {
          built.model.dispose();
          throw e;
        }
      };
      if (tw) {
        const model = await loadTeacherWeights(tw, () => build('none').model);
        return {
          model,
          row: {
            ...(await sodTestRow(model, cfg, run, roots, sets)),
            ...initProvenance({ teacher: { loaded: tw.source, sha256: tw.sha256 } }),
          },
        };
      }
      const { model, init } = build(cfg.teacher_backbone_weights);
      const train = sodLoaders(cfg, roots, seed, model.normalization, smokeEvalLimit(run)).train();
      try {
        await trainSod(model, train, {
          epochs: cfg.teacher_epochs,
          lr: cfg.lr,
          loss: 'scfnet',
          run,
          phase: 'teacher',
          checkpoint: teacherCheckpointer(run, spec),
          recipe: keys,
        });
        return {
          model,
          row: {
            ...(await sodTestRow(model, cfg, run, roots, sets)),
            ...initProvenance({ teacher: { trained: init } }),
          },
        };
      } finally {
        await train.close();
      }
    },
    { progress: run.progress, defer: run.deferBusyTeacher },
  );
}

/**
 * One SOD run: the teacher row; a student trained on the labels with its task loss; or (`kd`) a
 * student trained on the unlabeled images with the declared terms only (KD-SCFNet: soft dice of
 * every output against σ of the teacher's main output).
 */
export async function sodRecipe(
  cfg: SodSweepConfig,
  run: RunContext,
  termSpecs: readonly TermSpec[],
): Promise<ResultRow> {
  const teacher = cfg.role === 'teacher' || cfg.role === 'kd' ? await sodTeacher(cfg, run) : null;
  if (cfg.role === 'teacher') {
    teacher!.model.dispose();
    return { ...teacher!.row, ...initProvenance({ teacher: storedTeacherCell(teacher!.row) }) };
  }
  const roots = await sodDataRoots(cfg, run.dataRoot, { unlabeled: cfg.role === 'kd' });
  const { model, init } = createWithWeights(
    cfg.model,
    { rng: run.rng.fork('init/student') },
    cfg.student_backbone_weights,
    'student_backbone_weights',
  );
  const keys = sodRecipeKeys(cfg);
  const sets = sodTestSets(cfg, run.dataRoot);
  const l = sodLoaders(cfg, roots, run.seed, model.normalization, smokeEvalLimit(run));
  const test = sets ? null : l.test();
  const train = cfg.role === 'kd' ? l.unlabeled() : l.train();
  if (teacher) fs.writeFileSync(path.join(run.runDir, 'teacher-key.txt'), teacher.key);
  let distiller: Distiller | undefined;
  try {
    let fit;
    if (cfg.role === 'kd') {
      if (!termSpecs.length) throw new Error('sod recipe: role kd needs distillation terms');
      const cache = cfg.teacher_cache ? sharedTeacherCache(run, 'teacher-outputs', teacher!.key) : null;
      distiller = new Distiller(
        model,
        teacher!.model,
        buildTerms(termSpecs, { student: model, teacher: teacher!.model, rng: run.rng }),
        cache,
      );
      fit = await trainSod(model, train, {
        epochs: cfg.kd_epochs,
        lr: cfg.lr,
        loss: null,
        run,
        phase: 'student',
        distiller,
        taskWeight: 0,
        checkpoint: runCheckpointer(run, cfg, 'student'),
        recipe: keys,
      });
    } else {
      fit = await trainSod(model, train, {
        epochs: cfg.epochs,
        lr: cfg.lr,
        loss: cfg.loss as SodLossKind,
        run,
        phase: 'student',
        betas: [0.9, cfg.adam_beta2],
        checkpoint: runCheckpointer(run, cfg, 'student'),
        recipe: keys,
      });
    }
    const row = test ? await sodRow(model, test, cfg.size, run.runDir) : await sodTestRow(model, cfg, run, roots, sets);
    recordEval(run, 'student', fit.steps, row, EVAL_METRICS.sod);
    if (test) await recordEvalGrid(run, 'student', fit.steps, model, test, 'sod');
    await saveModel(model, path.join(run.runDir, 'student'));
    return {
      ...row,
      train_img_s: Math.round(fit.imagesPerSecond * 10) / 10,
      ...initProvenance({ teacher: teacher && storedTeacherCell(teacher.row), student: init }),
    };
  } finally {
    await train.close();
    await test?.close();
    distiller?.dispose();
    model.dispose();
    teacher?.model.dispose();
  }
}
