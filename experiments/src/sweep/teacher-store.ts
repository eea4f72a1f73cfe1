import fs from 'node:fs';
import path from 'node:path';
import type { ResultRow } from '@kd/bench';
import { loadModel, saveModel, type KdModel } from '@kd/models';
import { configHash } from '../config.ts';

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
 */
export async function ensureTeacher(cacheDir: string, spec: Record<string, unknown>, train: () => Promise<{ model: KdModel; row: ResultRow }>): Promise<StoredTeacher> {
  const key = configHash(spec);
  const dir = path.join(cacheDir, 'teachers', key);
  const meta = path.join(dir, 'teacher.json');
  if (fs.existsSync(meta)) {
    const { row } = JSON.parse(fs.readFileSync(meta, 'utf8')) as { row: ResultRow };
    return { model: await loadModel(path.join(dir, 'model')), row, key, trained: false };
  }
  const { model, row } = await train();
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await saveModel(model, path.join(tmp, 'model'));
  fs.writeFileSync(path.join(tmp, 'teacher.json'), JSON.stringify({ spec, row }, null, 2));
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (fs.existsSync(meta)) fs.rmSync(tmp, { recursive: true, force: true }); // another shard won the race
  else {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  }
  return { model, row, key, trained: true };
}
