import { DataError, Registry } from '@kd/core';
import type { BadSample, DatasetIndex, Sample, SampleRef, Task } from './types.ts';

/** Options every synthetic twin writer takes. */
export interface SynthOptions {
  /** Samples in the main (train) split; a second split, when the layout has one, gets max(1, ⌈n/4⌉). */
  n: number;
  seed: number;
  /** Image size; each kind has a default close to its real data but small. */
  width?: number;
  height?: number;
}

/**
 * One dataset format: how to list a split, decode a sample and write a synthetic twin.
 * `list` throws only for problems that make the whole split unusable (no list file, empty
 * split); problems with single entries go into `bad` so `--skip-bad` can skip them.
 * `load` throws a `DataError` naming the file at fault.
 */
export interface DatasetKind {
  name: string;
  task: Task;
  labeled: boolean;
  description: string;
  defaultSplit: string;
  list(root: string, split: string): { classes: readonly string[]; refs: SampleRef[]; bad: BadSample[] };
  load(ref: SampleRef): Promise<Sample>;
  synth(out: string, opts: SynthOptions): Promise<void>;
}

/** The one registry of dataset kinds: the `--kind` value of every data command. */
export const DATASET_KINDS = new Registry<DatasetKind>('dataset kind');

export function registerDatasetKind(kind: DatasetKind): void {
  DATASET_KINDS.register(kind.name, kind, kind.description);
}

export function datasetKind(name: string): DatasetKind {
  return DATASET_KINDS.get(name);
}

export interface OpenOptions {
  /** Skip refused entries instead of failing on the first. */
  skipBad?: boolean;
}

/**
 * Lists `split` of the dataset at `root` read as `kind`. Without `skipBad`, any refused entry
 * throws a DataError naming its file (and how many more there are); with it, the refused
 * entries are returned in `bad` and the rest is usable. An empty result always throws.
 */
export function openDataset(kind: string, root: string, split?: string, opts: OpenOptions = {}): DatasetIndex {
  const k = datasetKind(kind);
  const s = split ?? k.defaultSplit;
  const { classes, refs, bad } = k.list(root, s);
  if (bad.length && !opts.skipBad) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more; --skip-bad skips them)` : ' (--skip-bad skips it)';
    throw new DataError(`${bad[0].reason}${more}`, bad[0].file);
  }
  if (refs.length === 0) throw new DataError(`split '${s}' has no usable samples (${bad.length} refused)`, root);
  return { kind: k.name, task: k.task, root, split: s, classes, refs, bad };
}

/** The message of an error for a BadSample record (DataError messages already carry the file). */
export function badFromError(err: unknown, fallbackFile: string): BadSample {
  if (err instanceof DataError) {
    const file = err.file ?? fallbackFile;
    const prefix = `${file}: `;
    return { file, reason: err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message };
  }
  throw err;
}
