import path from 'node:path';
import { Rng, type ResultRow } from '@kd/core';
import { DataLoader, synthSodDataset, type AugmentConfig } from '@kd/data';
import { bceDiceDeepSupervision } from '@kd/losses';
import { createModel } from '@kd/models';
import type { DenseModel } from '@kd/nn';
import { Distiller } from '../../distiller.ts';
import { evaluateSodSource } from '../../evaluate-sod-source.ts';
import { softDiceKdTerm } from '../../terms/soft-dice-kd-term.ts';
import { progressCallback } from '../../trainer/callbacks.ts';
import type { Checkpointer } from '../../trainer/checkpoint.ts';
import { limited, smokeEvalLimit, smokeSteps } from '../smoke.ts';
import { loaderSource } from '../../trainer/step-source.ts';
import { train as trainModel } from '../../trainer/trainer.ts';

export interface QuickstartConfig {
  [key: string]: string | number | boolean;
  teacher: string;
  student: string;
  size: number;
  n_train: number;
  n_test: number;
  n_unlabeled: number;
  batch: number;
  lr: number;
  teacher_epochs: number;
  student_epochs: number;
  kd_epochs: number;
  hflip: number;
}

export interface QuickstartContext {
  seed: number;
  dataRoot: string;
  progress: boolean;
  /** Appends one JSON record to the run's log. */
  log(record: Record<string, unknown>): void;
  /** Checkpoints of each of the three trainings (`teacher`, `student-labels`, `student-kd`). */
  checkpointer?: (training: string) => Checkpointer;
  /** `--smoke`: 2 optimizer steps per training, at most 4 test images. */
  smoke?: boolean;
}

const round = (v: number) => Math.round(v * 10) / 10;

/**
 * The thinnest complete KD path: a seeded synthetic SOD set (KD-SCFNet layout, labeled) and an
 * unlabeled image set (KD-SOD80K layout) are generated on first use; a teacher is trained on the
 * labels; a student is trained on the labels alone; another student learns from the teacher on
 * the unlabeled images only (KD-SCFNet recipe: soft dice of every student output against
 * σ(teacher main output), weights 1, ½, ¼, ⅛). All three are scored on the test split; the rows
 * carry model, method, params, MAE/F/S and throughput (the caller adds provenance).
 */
export async function quickstartRecipe(cfg: QuickstartConfig, ctx: QuickstartContext): Promise<ResultRow[]> {
  const labeledRoot = path.join(ctx.dataRoot, 'synthetic-sod');
  const unlabeledRoot = path.join(ctx.dataRoot, 'synthetic-sod-unlabeled');
  const synth = { seed: 1, width: cfg.size, height: cfg.size };
  await synthSodDataset(labeledRoot, { ...synth, splits: { train: cfg.n_train, test: cfg.n_test }, labeled: true });
  await synthSodDataset(unlabeledRoot, { ...synth, seed: 2, splits: { train: cfg.n_unlabeled }, labeled: false });
  const root = new Rng(ctx.seed);
  // One loader recipe for every phase: seeded order, horizontal flip, the model's normalisation.
  const loader = (
    model: DenseModel,
    kind: 'sod-kdscfnet' | 'sod-unlabeled',
    dir: string,
    split: string,
    train: boolean,
    batchSize = cfg.batch,
  ) => {
    const augment: AugmentConfig = {
      ...(train ? { flip: { horizontal: cfg.hflip, vertical: 0 } } : {}),
      size: { width: cfg.size, height: cfg.size },
      normalize: { mean: model.normalization.mean, std: model.normalization.std },
    };
    return new DataLoader({
      kind,
      root: dir,
      split,
      batchSize,
      seed: ctx.seed,
      augment,
      workers: 0,
      shuffle: train,
      dropLast: train,
    });
  };
  const train = async (
    label: string,
    model: DenseModel,
    kind: 'sod-kdscfnet' | 'sod-unlabeled',
    dir: string,
    epochs: number,
    distiller?: Distiller,
  ) => {
    const source = loader(model, kind, dir, 'train', true);
    try {
      return await trainModel({
        model,
        source: loaderSource(source),
        epochs,
        optimizer: { kind: 'adam', lr: cfg.lr },
        taskWeight: distiller ? 0 : 1,
        distiller,
        task: (s, b) => bceDiceDeepSupervision(s.outputs, b.mask!),
        stage: label === 'teacher' ? 'teacher' : 'student',
        checkpoint: ctx.checkpointer?.(label),
        maxSteps: smokeSteps(ctx),
        callbacks: [
          progressCallback(label, ctx.progress),
          {
            onStep: (r) =>
              ctx.log({ run: label, step: r.step, epoch: r.epoch, lr: r.lr, loss: r.loss, parts: r.parts }),
          },
        ],
      });
    } finally {
      await source.close();
    }
  };
  const evaluate = async (model: DenseModel) => {
    const limit = smokeEvalLimit(ctx);
    const source = limited(
      limit,
      (batchSize) => loader(model, 'sod-kdscfnet', labeledRoot, 'test', false, batchSize),
      cfg.batch,
    );
    try {
      return await evaluateSodSource(model, source);
    } finally {
      await source.close();
    }
  };
  const row = async (model: DenseModel, method: string, fit: Awaited<ReturnType<typeof train>>): Promise<ResultRow> => {
    const ev = await evaluate(model);
    return {
      model: model.name,
      method,
      params: model.countParams(),
      MAE: ev.MAE,
      maxFm: ev.maxFm,
      meanFm: ev.meanFm,
      adpFm: ev.adpFm,
      Smeasure: ev.Smeasure,
      train_img_s: round(fit.imagesPerSecond),
      infer_img_s: round(ev.inferImagesPerSecond),
    };
  };
  const rows: ResultRow[] = [];
  const teacher = createModel(cfg.teacher, { rng: root.fork('init/teacher') });
  try {
    rows.push(
      await row(
        teacher,
        'teacher (labels)',
        await train('teacher', teacher, 'sod-kdscfnet', labeledRoot, cfg.teacher_epochs),
      ),
    );
    const fs1 = createModel(cfg.student, { rng: root.fork('init/student') });
    rows.push(
      await row(
        fs1,
        'student (labels only)',
        await train('student-labels', fs1, 'sod-kdscfnet', labeledRoot, cfg.student_epochs),
      ),
    );
    fs1.dispose();
    const kd = createModel(cfg.student, { rng: root.fork('init/student') });
    rows.push(
      await row(
        kd,
        'student KD (unlabeled only)',
        await train(
          'student-kd',
          kd,
          'sod-unlabeled',
          unlabeledRoot,
          cfg.kd_epochs,
          new Distiller(kd, teacher, [softDiceKdTerm(4)]),
        ),
      ),
    );
    kd.dispose();
  } finally {
    teacher.dispose();
  }
  return rows;
}
