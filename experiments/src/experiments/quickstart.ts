import fs from 'node:fs';
import path from 'node:path';
import { RUN_COLUMNS, applyOverrides, configHash } from '@kd/core';
import { withRunColumns } from '@kd/bench';
import { Checkpointer, quickstartRecipe, type QuickstartConfig } from '@kd/distill';
import { registerExperiment, type ExperimentContext } from '../experiment.ts';

/** Typed defaults of the quickstart (every key can be overridden with --set key=value). */
export const QUICKSTART_DEFAULTS: QuickstartConfig = {
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
  'model',
  'method',
  'params',
  'MAE',
  'maxFm',
  'meanFm',
  'adpFm',
  'Smeasure',
  'train_img_s',
  'infer_img_s',
  ...RUN_COLUMNS,
];

/**
 * The thinnest complete KD path (`quickstartRecipe` in @kd/distill): teacher on the labels,
 * student on the labels, KD student on unlabeled images only, all scored on synthetic SOD.
 * This file saves the resolved config and the command line with the run and adds provenance.
 */
async function runQuickstart(ctx: ExperimentContext) {
  const cfg = applyOverrides(QUICKSTART_DEFAULTS, ctx.overrides);
  fs.mkdirSync(ctx.runDir, { recursive: true });
  const resolved = {
    ...cfg,
    seed: ctx.seed,
    backend: ctx.backend.label,
    profile: ctx.profile,
    ...(ctx.smoke ? { smoke: true } : {}),
  };
  fs.writeFileSync(
    path.join(ctx.runDir, 'config.json'),
    JSON.stringify({ ...resolved, hash: configHash(resolved) }, null, 2),
  );
  fs.writeFileSync(path.join(ctx.runDir, 'argv.txt'), ctx.argv.join(' ') + '\n');
  const log = fs.openSync(path.join(ctx.runDir, 'log.jsonl'), 'a'); // appended: a resumed run keeps what the killed one logged
  try {
    const identity = {
      config: configHash(resolved),
      git_hash: ctx.gitHash,
      backend: ctx.backend.label,
      seed: ctx.seed,
    };
    const checkpointer = (training: string) =>
      new Checkpointer(
        path.join(ctx.runDir, 'checkpoints', training),
        identity,
        { everySteps: ctx.checkpointEvery, minutes: 10, keep: 2 },
        ctx.progress ? undefined : () => {},
      );
    const rows = await quickstartRecipe(cfg, {
      seed: ctx.seed,
      dataRoot: ctx.dataRoot,
      progress: ctx.progress,
      log: (r) => fs.writeSync(log, JSON.stringify(r) + '\n'),
      checkpointer,
      smoke: ctx.smoke,
    });
    return {
      columns: QUICKSTART_COLUMNS,
      rows: rows.map((r) => withRunColumns(r, { seed: ctx.seed, backend: ctx.backend, gitHash: ctx.gitHash })),
    };
  } finally {
    fs.closeSync(log);
  }
}

registerExperiment({
  name: 'quickstart',
  description: 'Teacher, label-trained student and KD student (unlabeled images) on synthetic SOD; MAE/maxF table',
  defaults: QUICKSTART_DEFAULTS,
  run: runQuickstart,
});
