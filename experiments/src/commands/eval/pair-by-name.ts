import fs from 'node:fs';
import path from 'node:path';
import { DataError, UsageError } from '@kd/core';

/** Not a subcommand: shared by `eval sod` and `eval seg` to pair prediction and gt files. */
export interface FilePair {
  name: string;
  pred: string;
  gt: string;
}

/**
 * Lists image files (`exts`, case-insensitive) in `predDir` and `gtDir` and pairs them by file
 * name without extension. When one name has several files in a folder, the `.png` one is used
 * (so a folder of `<id>.jpg` photos beside `<id>.png` masks works as a gt folder). Any name
 * present on one side only is an error listing those names (up to 20 per side). Sorted by name.
 */
export function pairByName(predDir: string, gtDir: string, exts: readonly string[]): FilePair[] {
  const preds = listByStem(predDir, '--pred', exts);
  const gts = listByStem(gtDir, '--gt', exts);
  const onlyPred = [...preds.keys()].filter((k) => !gts.has(k)).sort();
  const onlyGt = [...gts.keys()].filter((k) => !preds.has(k)).sort();
  if (onlyPred.length || onlyGt.length) {
    const show = (a: string[]): string => a.slice(0, 20).join(', ') + (a.length > 20 ? `, … (${a.length} in all)` : '');
    const parts: string[] = [];
    if (onlyPred.length) parts.push(`${onlyPred.length} prediction(s) without gt: ${show(onlyPred)}`);
    if (onlyGt.length) parts.push(`${onlyGt.length} gt file(s) without prediction: ${show(onlyGt)}`);
    throw new DataError(`prediction and gt folders do not pair by name: ${parts.join('; ')}`, `${predDir} vs ${gtDir}`);
  }
  if (preds.size === 0) throw new DataError(`no ${exts.join('/')} files found`, predDir);
  return [...preds.keys()].sort().map((name) => ({ name, pred: preds.get(name)!, gt: gts.get(name)! }));
}

function listByStem(dir: string, flag: string, exts: readonly string[]): Map<string, string> {
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${flag}: '${dir}' is not a directory`);
    entries = fs.readdirSync(dir);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `${flag}: cannot read directory '${dir}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const out = new Map<string, string>();
  for (const f of entries.sort()) {
    const ext = path.extname(f).toLowerCase().slice(1);
    if (!exts.includes(ext)) continue;
    const stem = f.slice(0, f.length - ext.length - 1);
    const prev = out.get(stem);
    if (prev && path.extname(prev).toLowerCase() === '.png') continue;
    out.set(stem, path.join(dir, f));
  }
  return out;
}
