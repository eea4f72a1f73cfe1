import type { Rng } from '../rng.ts';
import type { BackendInfo } from './backend-info.ts';

/** What one run (variant × grid point × seed) of a sweep receives: the engine builds it, a recipe uses it. */
export interface RunContext {
  seed: number;
  /** Root generator of this run (init, data order, augmentation fork from it). */
  rng: Rng;
  backend: BackendInfo;
  gitHash: string;
  dataRoot: string;
  /** The run's own folder: resolved config, argv, log.jsonl, export, checkpoints. */
  runDir: string;
  /** Folder shared by the sweep's runs for cached teachers and teacher outputs. */
  cacheDir: string;
  progress: boolean;
  /** Pass to ensureTeacher: a teacher another job is training defers this run instead of blocking. */
  deferBusyTeacher: boolean;
  /** Appends one JSON record to the run's log.jsonl. */
  log(record: Record<string, unknown>): void;
  /** Checkpoints inside the run: every N steps, or (null) at each epoch's end and at most every `minutes`. */
  checkpoint: { everySteps: number | null; minutes: number };
  /** Bound of the teacher-output cache shared by the sweep's runs (least recently used entries are evicted). */
  teacherCacheBytes: number;
  /** `--smoke`: the same code path with 2 optimizer steps per training stage and at most 4 test images. */
  smoke?: boolean;
}
