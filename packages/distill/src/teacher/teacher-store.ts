import fs from 'node:fs';
import path from 'node:path';
import { Claim, DeferredError, configHash, sleep, writeDirAtomic } from '@kd/core';
import type { ResultRow } from '@kd/bench';
import { loadModel, saveModel, type KdModel } from '@kd/models';

export interface StoredTeacher {
  model: KdModel;
  /** The teacher's own evaluation row (for the table's teacher row). */
  row: ResultRow;
  /** Content address: hash of everything that determines the trained weights. */
  key: string;
  /** True when it was trained by this call. */
  trained: boolean;
}

/**
 * Trained teachers shared by every run of a sweep (and by shards on a shared disk), addressed
 * by the hash of what determines their weights: architecture, data, recipe, seed, backend.
 * A teacher is trained once — `train()` returns the model and its evaluation row — saved
 * (student-only export format) to a temp folder and renamed into place; later runs load it.
 * Concurrent jobs coordinate through a claim (`<key>.lock`): one trains, the others wait and
 * load; a claim left by a killed job is taken over.
 */
/** Thrown instead of waiting when another process is training the teacher and `defer` is set. */
export class TeacherBusyError extends DeferredError {
  constructor(readonly key: string) {
    super(`teacher ${key} is being trained by another process`);
  }
}

export interface TeacherStoreOptions {
  progress?: boolean;
  /** When another process holds the teacher's lock: throw TeacherBusyError (the sweep runs something else first) instead of waiting. */
  defer?: boolean;
}

export async function ensureTeacher(
  cacheDir: string,
  spec: Record<string, unknown>,
  train: () => Promise<{ model: KdModel; row: ResultRow }>,
  opts: TeacherStoreOptions = {},
): Promise<StoredTeacher> {
  const key = configHash(spec);
  const dir = path.join(cacheDir, 'teachers', key);
  const meta = path.join(dir, 'teacher.json');
  const load = async (): Promise<StoredTeacher> => {
    const { row } = JSON.parse(fs.readFileSync(meta, 'utf8')) as { row: ResultRow };
    return { model: await loadModel(path.join(dir, 'model')), row, key, trained: false };
  };
  for (let waited = false; ; waited = true) {
    if (fs.existsSync(meta)) return load();
    const claim = Claim.tryTake(`${dir}.lock`);
    if (!claim) {
      if (opts.defer) throw new TeacherBusyError(key);
      // Another job is training this very teacher: wait for it rather than train a second copy.
      if (!waited && opts.progress) process.stderr.write(`teacher ${key}: another process is training it; waiting\n`);
      await sleep(2000);
      continue;
    }
    try {
      if (fs.existsSync(meta)) return await load();
      const { model, row } = await train();
      await writeDirAtomic(dir, async (tmp) => {
        await saveModel(model, path.join(tmp, 'model'));
        fs.writeFileSync(path.join(tmp, 'teacher.json'), JSON.stringify({ spec, row }, null, 2));
      });
      fs.rmSync(`${dir}.work`, { recursive: true, force: true }); // its training checkpoints (teacherCheckpointer)
      return { model, row, key, trained: true };
    } finally {
      claim.release();
    }
  }
}
