import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataError, UsageError } from '@kd/core';
import { loadModel, loadWeights, type KdModel } from '@kd/models';

/** A resolved `teacher_weights` value: what to load and its content hash (the teacher store key's part). */
export interface TeacherWeights {
  /** The value as given (its basename goes into the `loaded:` cell). */
  source: string;
  /** A `.safetensors` file, or the folder holding `model.json` (saveModel format). */
  file: string;
  kind: 'safetensors' | 'folder';
  /** Full sha256 hex: of the file, or of the folder's files (name and bytes, sorted by name). */
  sha256: string;
}

function sha256Of(files: string[], base?: string): string {
  const h = crypto.createHash('sha256');
  for (const f of files) {
    if (base) h.update(`${path.relative(base, f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

/**
 * Resolves `teacher_weights` (`key`): '' → null (train the teacher); a `.safetensors` file in the
 * model's own state-dict naming; or a folder written by `saveModel` (`<out>/runs/…/student`) or a
 * teacher store entry (its `model/` subfolder is used). A missing path names the key and the path.
 */
export function resolveTeacherWeights(value: string, key = 'teacher_weights'): TeacherWeights | null {
  if (!value) return null;
  if (!fs.existsSync(value)) throw new UsageError(`${key}: not found: ${value}`);
  if (fs.statSync(value).isDirectory()) {
    const dir = [value, path.join(value, 'model')].find((d) => fs.existsSync(path.join(d, 'model.json')));
    if (!dir)
      throw new UsageError(
        `${key}: ${value} holds no model.json (a saveModel folder) nor model/model.json (a teacher store entry)`,
      );
    const files = fs
      .readdirSync(dir)
      .sort()
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile());
    return { source: value, file: dir, kind: 'folder', sha256: sha256Of(files, dir) };
  }
  if (!value.endsWith('.safetensors'))
    throw new UsageError(`${key}: ${value} is neither a .safetensors file nor a saveModel folder`);
  return { source: value, file: value, kind: 'safetensors', sha256: sha256Of([value]) };
}

function listFirst(what: string, names: string[]): string {
  return `${what} (${names.length}): ${names.slice(0, 3).join(', ')}${names.length > 3 ? `, … ${names.length - 3} more` : ''}`;
}

/** One line naming the first three tensors of each kind that differ between two state dicts, or null. */
export function stateMismatch(want: KdModel, got: KdModel): string | null {
  const a = want.stateDict(),
    b = got.stateDict();
  const missing = [...a.keys()].filter((k) => !b.has(k));
  const extra = [...b.keys()].filter((k) => !a.has(k));
  const shape = [...a]
    .filter(([k, v]) => b.has(k) && v.shape.join(',') !== b.get(k)!.shape.join(','))
    .map(([k, v]) => `${k}: file [${b.get(k)!.shape}] vs model [${v.shape}]`);
  const parts = [
    missing.length && listFirst('missing from file', missing),
    extra.length && listFirst('not in model', extra),
    shape.length && listFirst('wrong shape', shape),
  ].filter(Boolean);
  return parts.length ? parts.join('. ') : null;
}

/**
 * The configured teacher (`build()`, seeded random init) with the weights of `tw` assigned: a
 * `.safetensors` through `loadWeights` (all-or-nothing, first three mismatches named), a saveModel
 * folder through `loadModel`, refused unless it holds the same architecture name and every tensor
 * with the configured shapes. `key` prefixes every error.
 */
export async function loadTeacherWeights(
  tw: TeacherWeights,
  build: () => KdModel,
  key = 'teacher_weights',
): Promise<KdModel> {
  const model = build();
  try {
    if (tw.kind === 'safetensors') {
      try {
        loadWeights(model, tw.file);
      } catch (e) {
        throw e instanceof DataError ? new DataError(`${key}: ${e.message}`) : e;
      }
      return model;
    }
    const saved = await loadModel(tw.file);
    try {
      if (saved.name !== model.name)
        throw new DataError(`${key}: holds '${saved.name}', the configured teacher is '${model.name}'`, tw.file);
      const problem = stateMismatch(model, saved);
      if (problem)
        throw new DataError(
          `${key}: does not match the configured '${model.name}'; nothing loaded. ${problem}`,
          tw.file,
        );
      const from = saved.stateDict();
      for (const [k, v] of model.stateDict()) v.assign(from.get(k)!);
    } finally {
      saved.dispose();
    }
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
