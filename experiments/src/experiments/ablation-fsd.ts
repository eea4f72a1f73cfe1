import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@kd/core';
import { aggregateSeeds, rowsToCsv, toMarkdown, type ResultRow } from '@kd/bench';
import { datasetKind } from '@kd/data';
import {
  DET_AUGMENT_DEFAULTS, FsdDistiller, TeacherTapCache, chanceDetections, evaluateDetector, fitDetector, loadDetSplit, planDetBatches, scoreDetections,
  type DetEvaluation, type DetScores,
} from '@kd/distill';
import type { FsdComponents } from '@kd/losses';
import { countModel, createModel, type Yolox } from '@kd/models';
import { applyOverrides, configHash } from '../config.ts';
import { registerExperiment, type ExperimentContext, type Row } from '../experiment.ts';

/**
 * Quick profile: CPU-sized YOLOX pair on the synthetic COCO-format twin (2 classes, like FSD's
 * Fall set) at 96². Teacher and student are the `tiny` family (depth 0.33, no depthwise) at
 * widths 0.25 and 0.125, so the neck channels differ (64 vs 32) and FSD's 1×1 align convs are
 * exercised. Measured: 15.5 min for teacher + 3 seeds × 6 students on 2 shared cores (load 2.5–5,
 * wasm SIMD, 1 thread; 2 threads were slower under load). 160 student steps at lr 0.006 reach
 * VOC07 mAP ≈ 0.77 (80 steps gave ≈ 0.05: the schedule cannot be shortened much further).
 * `kd_params` counts the align convs and the GcBlock modules (built even when a row turns the
 * relation term off).
 */
export const ABLATION_FSD_DEFAULTS = {
  dataset: 'coco-det',
  size: 96,
  n_train: 320,
  batch: 8,
  lr: 0.006,
  teacher: 'yolox-tiny',
  teacher_width: 0.25,
  student: 'yolox-tiny',
  student_width: 0.125,
  teacher_epochs: 5,
  student_epochs: 4,
  /** Seeds run by default when `--seeds` is not given (≥ 3 for mean ± std). */
  seeds: 3,
  fsd_weight: 1,
};
type Cfg = typeof ABLATION_FSD_DEFAULTS;

/** Full profile: the paper's pair (YOLOX-L → YOLOX-S) at 640² — a GPU/native-backend job. */
const FULL: Partial<Cfg> = { size: 640, n_train: 4000, batch: 16, lr: 0.001, teacher: 'yolox-l', teacher_width: 1, student: 'yolox-s', student_width: 0.5, teacher_epochs: 120, student_epochs: 120 };

const ALL: FsdComponents = { foreground: true, background: true, attention: true, relation: true };
/** The table's rows: no KD, then FSD's terms added one at a time, then the literal Gaussian. */
const VARIANTS: { method: string; gaussian: 'intended' | 'literal' | null; components: FsdComponents | null }[] = [
  { method: 'no KD', gaussian: null, components: null },
  { method: 'FSD fg', gaussian: 'intended', components: { foreground: true, background: false, attention: false, relation: false } },
  { method: 'FSD fg+bg', gaussian: 'intended', components: { foreground: true, background: true, attention: false, relation: false } },
  { method: 'FSD fg+bg+att', gaussian: 'intended', components: { foreground: true, background: true, attention: true, relation: false } },
  { method: 'FSD fg+bg+att+rela (full)', gaussian: 'intended', components: ALL },
  { method: 'FSD full, literal Gaussian', gaussian: 'literal', components: ALL },
];

const SPLITS: Record<string, [string, string]> = { 'coco-det': ['train2017', 'val2017'], 'voc-det': ['trainval', 'test'] };
const METRICS = ['voc07_mAP', 'voc_allpt_mAP', 'coco_AP', 'coco_AP50', 'coco_AP75', 'infer_img_s', 'train_img_s', 'train_s'];
export const ABLATION_FSD_COLUMNS = [
  'method', 'model', 'gaussian', 'seeds', 'params', 'kd_params', 'mmacs', 'size',
  ...METRICS.flatMap((m) => [m, `${m}_std`]), 'chance_voc07_mAP', 'chance_coco_AP', 'backend', 'threads', 'git_hash',
];

const r4 = (v: number | null) => (v === null ? null : Math.round(v * 1e4) / 1e4);
const scoreCells = (s: DetScores) => ({ voc07_mAP: r4(s.voc07), voc_allpt_mAP: r4(s.vocAllPoint), coco_AP: r4(s.coco.AP), coco_AP50: r4(s.coco.AP50), coco_AP75: r4(s.coco.AP75) });

/**
 * FSD ablation on detection (METHODS §5): a YOLOX teacher is trained once on the synthetic
 * detection twin (read through the @kd/data readers), then for every seed six students start from
 * the same init and see the same augmented batches: no KD; FSD foreground KL only; + background
 * KL; + attention L1; + GcBlock relation (full FSD, intended box-centred Gaussian); full FSD with
 * the official code's literal Gaussian. FSD binds to the three neck outputs (neck.p3/p4/p5).
 * Scores on the test split with @kd/bench (VOC07 11-point, VOC all-point, COCO); rows are
 * mean ± std over seeds, beside the teacher and a chance reference (random boxes).
 */
async function runAblationFsd(ctx: ExperimentContext) {
  const t0 = performance.now();
  const cfg = applyOverrides({ ...ABLATION_FSD_DEFAULTS, ...(ctx.profile === 'full' ? FULL : {}) } as Cfg, ctx.overrides);
  const splits = SPLITS[cfg.dataset];
  if (!splits) throw new Error(`ablation-fsd: dataset must be one of ${Object.keys(SPLITS).join(', ')}, got '${cfg.dataset}'`);
  const seeds = ctx.seeds.length > 1 ? ctx.seeds : Array.from({ length: cfg.seeds }, (_, i) => ctx.seed + i);
  const root = path.join(ctx.dataRoot, `synthetic-${cfg.dataset}-${cfg.size}-n${cfg.n_train}`);
  await datasetKind(cfg.dataset).synth(root, { seed: 1, n: cfg.n_train, width: cfg.size, height: cfg.size });
  const train = await loadDetSplit(cfg.dataset, root, splits[0]);
  const test = await loadDetSplit(cfg.dataset, root, splits[1]);
  const K = train.classes.length, S = cfg.size, crowdFlag = cfg.dataset === 'coco-det';
  const augment = { ...DET_AUGMENT_DEFAULTS, size: S, numClasses: K };
  const perEpoch = Math.floor(train.samples.length / cfg.batch);

  fs.mkdirSync(ctx.runDir, { recursive: true });
  const resolved = { ...cfg, seeds: seeds.join(';'), backend: ctx.backend.label, profile: ctx.profile };
  fs.writeFileSync(path.join(ctx.runDir, 'config.json'), JSON.stringify({ ...resolved, hash: configHash(resolved) }, null, 2));
  fs.writeFileSync(path.join(ctx.runDir, 'argv.txt'), ctx.argv.join(' ') + '\n');
  const log = fs.openSync(path.join(ctx.runDir, 'log.jsonl'), 'w');
  const logger = (run: string) => (step: number, det: number, kd: number) => fs.writeSync(log, JSON.stringify({ run, step, det, kd }) + '\n');
  const env = { backend: ctx.backend.label, threads: ctx.backend.threads, git_hash: ctx.gitHash };
  const build = (name: string, width: number, rng: Rng) => createModel(name, { rng, numClasses: K, width }) as Yolox;
  const modelCells = (m: Yolox, width: number) => ({ model: `${m.name}@w${width}`, params: m.countParams(), mmacs: Math.round(countModel(m, [S, S]).macs / 1e4) / 100, size: S });
  const evalCells = (m: Yolox, fitSeconds: number, imgS: number): [Row, DetEvaluation] => {
    const ev = evaluateDetector(m, test.samples, { size: S, crowdFlag });
    return [{ ...scoreCells(ev), infer_img_s: Math.round(ev.inferImagesPerSecond), train_img_s: Math.round(imgS * 10) / 10, train_s: Math.round(fitSeconds) }, ev];
  };

  // chance reference and teacher (trained once, from the first seed)
  const chance = scoreDetections(test.samples, chanceDetections(new Rng(seeds[0], 'chance'), test.samples, K), K, crowdFlag);
  const teacherRng = new Rng(seeds[0], 'teacher');
  const teacher = build(cfg.teacher, cfg.teacher_width, teacherRng.fork('init'));
  const tPlan = planDetBatches(train.samples, { epochs: cfg.teacher_epochs, batchSize: cfg.batch, rng: teacherRng.fork('data'), augment });
  const tFit = await fitDetector(teacher, tPlan, { lr: cfg.lr, stepsPerEpoch: perEpoch, label: 'teacher', progress: ctx.progress, onStep: logger('teacher') });
  const [tCells] = evalCells(teacher, tFit.seconds, tFit.imagesPerSecond);
  const raw: ResultRow[] = [{ method: 'teacher', ...modelCells(teacher, cfg.teacher_width), gaussian: null, kd_params: 0, ...tCells, seed: seeds[0], ...env }];

  for (const seed of seeds) {
    const rng = new Rng(seed);
    const plan = planDetBatches(train.samples, { epochs: cfg.student_epochs, batchSize: cfg.batch, rng: rng.fork('data/student'), augment });
    const cache = new TeacherTapCache(teacher, ['neck.p3', 'neck.p4', 'neck.p5']);
    for (const v of VARIANTS) {
      const label = `${v.method} seed ${seed}`;
      const student = build(cfg.student, cfg.student_width, rng.fork('init/student'));
      const distiller = v.components ? new FsdDistiller(rng.fork('fsd'), student, teacher, { gaussian: v.gaussian!, components: v.components, weight: cfg.fsd_weight }) : null;
      const fit = await fitDetector(student, plan, { lr: cfg.lr, stepsPerEpoch: perEpoch, label, progress: ctx.progress, onStep: logger(label) }, distiller ? { distiller, teacher: cache } : undefined);
      const [cells] = evalCells(student, fit.seconds, fit.imagesPerSecond);
      raw.push({ method: v.method, ...modelCells(student, cfg.student_width), gaussian: v.gaussian, kd_params: distiller?.countParams() ?? 0, ...cells, seed, ...env });
      if (ctx.progress) process.stderr.write(`${label}: VOC07 mAP ${cells.voc07_mAP}, COCO AP ${cells.coco_AP} (${fit.seconds.toFixed(0)} s)\n`);
      distiller?.dispose();
      student.dispose();
    }
    cache.dispose();
  }
  teacher.dispose();
  fs.closeSync(log);

  const agg = aggregateSeeds(raw, { groupBy: ['method', 'model', 'gaussian', 'params', 'kd_params', 'mmacs', 'size'], metrics: METRICS });
  const rows: Row[] = agg.map((r) => ({
    ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? r4(v) : typeof v === 'boolean' ? String(v) : v])),
    chance_voc07_mAP: r4(chance.voc07), chance_coco_AP: r4(chance.coco.AP), ...env,
  }));
  const minutes = (performance.now() - t0) / 60000;
  fs.mkdirSync(ctx.outDir, { recursive: true });
  fs.writeFileSync(path.join(ctx.outDir, 'ablation-fsd.raw.csv'), rowsToCsv(raw));
  const md = toMarkdown(rows as ResultRow[], [
    { key: 'method' }, { key: 'model' }, { key: 'seeds' }, { key: 'params' }, { key: 'mmacs', label: 'MMACs' },
    { key: 'voc07_mAP', digits: 4 }, { key: 'coco_AP', digits: 4 }, { key: 'coco_AP50', digits: 4 }, { key: 'infer_img_s', label: 'FPS', digits: 0 },
  ]);
  fs.writeFileSync(path.join(ctx.outDir, 'ablation-fsd.md'), `# ablation-fsd\n\n${md}\n\nChance (random boxes): VOC07 mAP ${r4(chance.voc07)}, COCO AP ${r4(chance.coco.AP)}. `
    + `${ctx.profile} profile, ${seeds.length} seeds, ${ctx.backend.label}, ${minutes.toFixed(1)} min.\n`);
  if (ctx.progress) process.stderr.write(`ablation-fsd: ${minutes.toFixed(1)} min on ${ctx.backend.label}\n`);
  return { columns: ABLATION_FSD_COLUMNS, rows };
}

registerExperiment({
  name: 'ablation-fsd',
  description: 'FSD ablation (YOLOX teacher → student, neck.p3/p4/p5): no KD, fg, +bg, +attention, +GcBlock relation, literal vs intended Gaussian; VOC07/COCO mAP mean±std over seeds',
  defaults: ABLATION_FSD_DEFAULTS,
  run: runAblationFsd,
});
