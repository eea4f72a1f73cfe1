import path from 'node:path';
import { UsageError } from '@kd/core';

/** One input image and the output path stem its results are written to (`<stem>.png`, `<stem>.npy`). */
export interface PlannedOutput {
  input: string;
  stem: string;
}

/**
 * Output stems for every input, checked before anything is written. By default the stem is the
 * file name without its extension (`photo.jpg` → `<out>/photo`); with `keepExt` the extension
 * stays in the name (`photo.jpg` → `<out>/photo.jpg`, written as `photo.jpg.png`). Two inputs
 * mapping to one stem (e.g. `<id>.jpg` beside its mask `<id>.png` in a SOD folder, or the same
 * name in two folders) would overwrite each other: that is a UsageError naming both inputs.
 */
export function planOutputs(files: readonly string[], out: string, keepExt = false): PlannedOutput[] {
  const byStem = new Map<string, string>();
  const plan: PlannedOutput[] = [];
  for (const input of files) {
    const name = path.basename(input);
    const stem = path.join(out, keepExt ? name : name.replace(/\.[^.]+$/, ''));
    const prior = byStem.get(stem);
    if (prior !== undefined) {
      const fix = keepExt
        ? 'choose one with --glob or --list'
        : "choose one with --glob (e.g. --glob '*.jpg') or --list, or pass --keep-ext to name outputs <file>.<ext>.png";
      throw new UsageError(`--input: '${prior}' and '${input}' would both be written to '${stem}.png'; ${fix}`);
    }
    byStem.set(stem, input);
    plan.push({ input, stem });
  }
  return plan;
}
