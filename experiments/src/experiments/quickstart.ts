import fs from 'node:fs';
import path from 'node:path';
import { RUN_COLUMNS, Rng, type ResultRow } from '@kd/core';
import type { DenseModel } from '@kd/nn';
import { DataLoader, synthSodDataset, type AugmentConfig } from '@kd/data';
import { Distiller, evaluateSodSource, fitDense, softDiceKdTerm } from '@kd/distill';
import { withRunColumns } from '@kd/bench';
import { bceDiceDeepSupervision } from '@kd/losses';
import { createModel } from '@kd/models';
import { applyOverrides, configHash } from '../config.ts';
import { registerExperiment, type ExperimentContext } from '../experiment.ts';

/** Typed defaults of the quickstart (every key can be overridden with --set key=value). */
export const QUICKSTART_DEFAULTS = {
  teacher: 'tinysod-l',
  student: 'tinysod-s',
  size: 96,
  n_train: 400,
  n_test: 100,
  n_unlabeled: 800,
  batch: 16,
  lr: 0.002,
  teacher_epochs: 10,
  student_epochs: 10,
  kd_epochs: 5,
  hflip: 0.5,
};

export const QUICKSTART_COLUMNS = [
  'model', 'method', 'params', 'MAE', 'maxFm', 'meanFm', 'adpFm', 'Smeasure', 'train_img_s', 'infer_img_s', ...RUN_COLUMNS,
];

/**
 * The thinnest complete KD path: a seeded synthetic SOD set (KD-SCFNet layout, labeled) and an
 * unlabeled image set (KD-SOD80K layout) are generated on first use; a teacher is trained on the
 * labels; a student is trained on the labels alone; another student learns from the teacher on
 * the unlabeled images only (KD-SCFNet recipe: soft dice of every student output against
 * σ(teacher main output), weights 1, ½, ¼, ⅛). All three are scored on the test split.
 */
async function runQuickstart(ctx: ExperimentContext) {
  const cfg = applyOverrides(QUICKSTART_DEFAULTS, ctx.overrides);
  const labeledRoot = path.join(ctx.dataRoot, 'synthetic-sod');
  const unlabeledRoot = path.join(ctx.dataRoot, 'synthetic-sod-unlabeled');
  const synth = { seed: 1, width: cfg.size, height: cfg.size };
  await synthSodDataset(labeledRoot, { ...synth, splits: { train: cfg.n_train, test: cfg.n_test }, labeled: true });
  await synthSodDataset(unlabeledRoot, { ...synth, seed: 2, splits: { train: cfg.n_unlabeled }, labeled: false });
  fs.mkdirSync(ctx.runDir, { recursive: true });
  const resolved = { ...cfg, seed: ctx.seed, backend: ctx.backend.label, profile: ctx.profile };
  fs.writeFileSync(path.join(ctx.runDir, 'config.json'), JSON.stringify({ ...resolved, hash: configHash(resolved) }, null, 2));
  fs.writeFileSync(path.join(ctx.runDir, 'argv.txt'), ctx.argv.join(' ') + '\n');
  const log = fs.openSync(path.join(ctx.runDir, 'log.jsonl'), 'w');

  const root = new Rng(ctx.seed);
  // One loader recipe for every phase: seeded order, horizontal flip, the model's normalisation.
  const loader = (model: DenseModel, kind: 'sod-kdscfnet' | 'sod-unlabeled', dir: string, split: string, train: boolean) => {
    const augment: AugmentConfig = {
      ...(train ? { flip: { horizontal: cfg.hflip, vertical: 0 } } : {}),
      size: { width: cfg.size, height: cfg.size },
      normalize: { mean: model.normalization.mean, std: model.normalization.std },
    };
    return new DataLoader({ kind, root: dir, split, batchSize: cfg.batch, seed: ctx.seed, augment, workers: 0, shuffle: train, dropLast: train });
  };
  const train = async (label: string, model: DenseModel, kind: 'sod-kdscfnet' | 'sod-unlabeled', dir: string, epochs: number, distiller?: Distiller) => {
    const source = loader(model, kind, dir, 'train', true);
    try {
      return await fitDense(model, source, {
        epochs, optimizer: { kind: 'adam', lr: cfg.lr }, label, progress: ctx.progress, taskWeight: distiller ? 0 : 1,
        onStep: (r) => fs.writeSync(log, JSON.stringify({ run: label, ...r }) + '\n'),
      }, (s, b) => bceDiceDeepSupervision(s.outputs, b.mask!), distiller);
    } finally {
      await source.close();
    }
  };
  const evaluate = async (model: DenseModel) => {
    const source = loader(model, 'sod-kdscfnet', labeledRoot, 'test', false);
    try {
      return await evaluateSodSource(model, source);
    } finally {
      await source.close();
    }
  };
  const rows: ResultRow[] = [];
  const row = async (model: DenseModel, method: string, fit: Awaited<ReturnType<typeof train>>): Promise<ResultRow> => {
    const ev = await evaluate(model);
    const metrics = {
      model: model.name, method, params: model.countParams(), MAE: ev.MAE, maxFm: ev.maxFm, meanFm: ev.meanFm, adpFm: ev.adpFm, Smeasure: ev.Smeasure,
      train_img_s: round(fit.imagesPerSecond), infer_img_s: round(ev.inferImagesPerSecond),
    };
    return withRunColumns(metrics, { seed: ctx.seed, backend: ctx.backend, gitHash: ctx.gitHash });
  };

  const teacher = createModel(cfg.teacher, { rng: root.fork('init/teacher') });
  rows.push(await row(teacher, 'teacher (labels)', await train('teacher', teacher, 'sod-kdscfnet', labeledRoot, cfg.teacher_epochs)));

  const fs1 = createModel(cfg.student, { rng: root.fork('init/student') });
  rows.push(await row(fs1, 'student (labels only)', await train('student-labels', fs1, 'sod-kdscfnet', labeledRoot, cfg.student_epochs)));
  fs1.dispose();

  const kd = createModel(cfg.student, { rng: root.fork('init/student') });
  rows.push(await row(kd, 'student KD (unlabeled only)', await train('student-kd', kd, 'sod-unlabeled', unlabeledRoot, cfg.kd_epochs, new Distiller(kd, teacher, [softDiceKdTerm(4)]))));
  kd.dispose();
  teacher.dispose();
  fs.closeSync(log);
  return { columns: QUICKSTART_COLUMNS, rows };
}

const round = (v: number) => Math.round(v * 10) / 10;

registerExperiment({
  name: 'quickstart',
  description: 'Teacher, label-trained student and KD student (unlabeled images) on synthetic SOD; MAE/maxF table',
  defaults: QUICKSTART_DEFAULTS,
  run: runQuickstart,
});
