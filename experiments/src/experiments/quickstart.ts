import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@kd/core';
import { listKdScfnetSplit, synthSodDataset } from '@kd/data';
import { fitSod, evaluateSod, loadSodArrays, type FitResult, type SodEvaluation } from '@kd/distill';
import { bceDiceDeepSupervision, softDiceKd } from '@kd/losses';
import { createModel } from '@kd/models';
import { applyOverrides, configHash } from '../config.ts';
import { registerExperiment, type ExperimentContext, type Row } from '../experiment.ts';

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
  'model', 'method', 'params', 'MAE', 'maxFm', 'meanFm', 'adpFm', 'Smeasure', 'train_img_s', 'infer_img_s', 'seed', 'backend', 'threads', 'git_hash',
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
  const train = await loadSodArrays(listKdScfnetSplit(labeledRoot, 'train', true));
  const test = await loadSodArrays(listKdScfnetSplit(labeledRoot, 'test', true));
  const unlabeled = await loadSodArrays(listKdScfnetSplit(unlabeledRoot, 'train', false));

  fs.mkdirSync(ctx.runDir, { recursive: true });
  const resolved = { ...cfg, seed: ctx.seed, backend: ctx.backend.label, profile: ctx.profile };
  fs.writeFileSync(path.join(ctx.runDir, 'config.json'), JSON.stringify({ ...resolved, hash: configHash(resolved) }, null, 2));
  fs.writeFileSync(path.join(ctx.runDir, 'argv.txt'), ctx.argv.join(' ') + '\n');
  const log = fs.openSync(path.join(ctx.runDir, 'log.jsonl'), 'w');
  const logger = (run: string) => (step: number, epoch: number, loss: number) =>
    fs.writeSync(log, JSON.stringify({ run, step, epoch, loss }) + '\n');

  const root = new Rng(ctx.seed);
  const spec = (label: string, epochs: number) => ({
    epochs, batchSize: cfg.batch, lr: cfg.lr, hflip: cfg.hflip, rng: root.fork(`data/${label}`), label, progress: ctx.progress, onStep: logger(label),
  });
  const rows: Row[] = [];
  const row = (model: string, method: string, params: number, fit: FitResult, ev: SodEvaluation): Row => ({
    model, method, params, MAE: ev.MAE, maxFm: ev.maxFm, meanFm: ev.meanFm, adpFm: ev.adpFm, Smeasure: ev.Smeasure,
    train_img_s: round(fit.imagesPerSecond), infer_img_s: round(ev.inferImagesPerSecond),
    seed: ctx.seed, backend: ctx.backend.label, threads: ctx.backend.threads, git_hash: ctx.gitHash,
  });

  const teacher = createModel(cfg.teacher, { rng: root.fork('init/teacher') });
  const tFit = await fitSod(teacher, train, spec('teacher', cfg.teacher_epochs), (o, b) => bceDiceDeepSupervision(o, b.y!));
  rows.push(row(cfg.teacher, 'teacher (labels)', teacher.countParams(), tFit, await evaluateSod(teacher, test)));

  const fs1 = createModel(cfg.student, { rng: root.fork('init/student') });
  const sFit = await fitSod(fs1, train, spec('student-labels', cfg.student_epochs), (o, b) => bceDiceDeepSupervision(o, b.y!));
  rows.push(row(cfg.student, 'student (labels only)', fs1.countParams(), sFit, await evaluateSod(fs1, test)));
  fs1.dispose();

  const kd = createModel(cfg.student, { rng: root.fork('init/student') });
  const kFit = await fitSod(kd, unlabeled, spec('student-kd', cfg.kd_epochs), (o, _b, t) => softDiceKd(o, t!), teacher);
  rows.push(row(cfg.student, 'student KD (unlabeled only)', kd.countParams(), kFit, await evaluateSod(kd, test)));
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
