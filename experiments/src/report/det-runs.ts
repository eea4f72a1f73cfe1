import fs from 'node:fs';
import path from 'node:path';
import { DET_SPLITS, synthDetRoot, type DetSweepConfig } from '@kd/distill';
import type { StoredRun } from '@kd/sweep';
import { runDir, studentDir, teacherDirOf } from './pick-runs.ts';

/** FSD parts of an ablation-fsd row's config (absent keys read as off). */
type FsdRowConfig = DetSweepConfig & { fg?: boolean; bg?: boolean; att?: boolean; rela?: boolean; gaussian?: string };

interface RunFile {
  backend?: string;
  config: FsdRowConfig;
}

/** What the detection figures draw from: the picked runs, the teacher's folder and the dataset. */
export interface DetReportRuns {
  /** Config of the picked student runs (size, dataset, …). */
  cfg: FsdRowConfig;
  /** Saved teacher (`saveModel` folder) or null when the store holds none of these runs' teacher. */
  teacherDir: string | null;
  /** The no-KD student run (no FSD part on) and the full FSD one (all four parts, intended Gaussian). */
  noKd: StoredRun | null;
  full: StoredRun | null;
  /** Dataset folder and its kind/splits. */
  dataDir: string;
  kind: string;
  splits: [train: string, test: string];
}

const readRun = (outDir: string, experiment: string, r: StoredRun): RunFile =>
  JSON.parse(fs.readFileSync(path.join(runDir(outDir, experiment, r), 'config.json'), 'utf8')) as RunFile;

const hasStudent = (outDir: string, experiment: string, r: StoredRun) =>
  fs.existsSync(path.join(studentDir(outDir, experiment, r), 'model.json'));

/**
 * The stored teacher whose spec (`cache/teachers/<key>/teacher.json`, written by the teacher
 * store) matches the runs' teacher keys: architecture, width, input size, epochs, lr, batch,
 * seed and backend. The key in a run's `teacher-key.txt` wins when a recipe wrote one.
 */
function findTeacher(
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  run: RunFile,
): { dir: string; data?: string } | null {
  const keyed = teacherDirOf(outDir, experiment, runs);
  const store = path.join(outDir, 'cache', 'teachers');
  const specOf = (dir: string) => {
    const meta = path.join(dir, 'teacher.json');
    return fs.existsSync(meta)
      ? (JSON.parse(fs.readFileSync(meta, 'utf8')) as { spec: Record<string, unknown> }).spec
      : null;
  };
  if (keyed) return { dir: keyed, data: specOf(path.dirname(keyed))?.data as string | undefined };
  if (!fs.existsSync(store)) return null;
  const c = run.config;
  const want: Record<string, unknown> = {
    teacher: c.teacher,
    width: c.teacher_width,
    size: c.size,
    epochs: c.teacher_epochs,
    lr: c.lr,
    batch: c.batch,
    seed: c.teacher_seed,
    backend: run.backend,
  };
  for (const key of fs.readdirSync(store).sort()) {
    const spec = specOf(path.join(store, key));
    if (!spec || !fs.existsSync(path.join(store, key, 'model', 'model.json'))) continue;
    if (Object.entries(want).every(([k, v]) => v === undefined || !(k in spec) || spec[k] === v))
      return { dir: path.join(store, key, 'model'), data: spec.data as string | undefined };
  }
  return null;
}

/**
 * Picks, among `runs` (one per row, as `firstSeedRuns` gives them), the no-KD student and the
 * full-FSD student by their configs (labels may change, parts do not), finds their teacher in the
 * teacher store and the dataset folder they trained on (the teacher's recorded `data`, else the
 * det recipe's synthetic twin, `synthDetRoot`).
 */
export function pickDetRuns(
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  dataRoot: string,
): DetReportRuns {
  const students = runs
    .map((r) => ({ r, f: readRun(outDir, experiment, r) }))
    .filter(({ r, f }) => (f.config.role ?? 'student') === 'student' && hasStudent(outDir, experiment, r));
  if (!students.length)
    throw new Error(`${experiment}: no saved detection students under ${outDir}/runs/${experiment}`);
  const noKd = students.find(({ f }) => !f.config.fg && !f.config.bg && !f.config.att && !f.config.rela);
  const full = students.find(
    ({ f }) => f.config.fg && f.config.bg && f.config.att && f.config.rela && f.config.gaussian !== 'literal',
  );
  const first = (noKd ?? full ?? students[0]).f;
  const cfg = first.config;
  const kind = cfg.dataset;
  const splits = DET_SPLITS[kind];
  if (!splits)
    throw new Error(
      `${experiment}: dataset '${kind}' has no known splits (expected ${Object.keys(DET_SPLITS).join(', ')})`,
    );
  const teacher = findTeacher(outDir, experiment, runs, first);
  const dataDir =
    teacher?.data && fs.existsSync(teacher.data)
      ? teacher.data
      : synthDetRoot(cfg as Parameters<typeof synthDetRoot>[0], dataRoot);
  if (!fs.existsSync(dataDir))
    throw new Error(`${experiment}: dataset folder ${dataDir} is missing (pass the sweep's --data-root)`);
  return { cfg, teacherDir: teacher?.dir ?? null, noKd: noKd?.r ?? null, full: full?.r ?? null, dataDir, kind, splits };
}
