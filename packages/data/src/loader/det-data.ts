import '../dataset/register-kinds.ts';
import type { BadSample, Sample } from '../dataset/types.ts';
import { datasetKind, openDataset } from '../dataset/dataset-kind.ts';
import { sanitizeBoxes, type DroppedBox } from '../det/sanitize.ts';

/** A detection split in memory: decoded samples with sanitized boxes. */
export interface DetSplit {
  kind: string;
  split: string;
  classes: readonly string[];
  samples: Sample[];
  /** Boxes left out by `sanitizeBoxes`, per sample name. */
  dropped: { name: string; boxes: DroppedBox[] }[];
  /** Entries the reader refused (only with skipBad). */
  bad: BadSample[];
}

/**
 * Reads a whole detection split (`voc-det`, `coco-det`, …) through @kd/data's readers — the
 * same code path as a user's real data — and applies the box rule of `sanitizeBoxes`.
 * `limit` keeps the first n samples.
 */
export async function loadDetSplit(
  kind: string,
  root: string,
  split: string,
  opts: { skipBad?: boolean; limit?: number } = {},
): Promise<DetSplit> {
  const index = openDataset(kind, root, split, { skipBad: opts.skipBad });
  const k = datasetKind(kind);
  if (k.task !== 'det') throw new Error(`loadDetSplit: dataset kind '${kind}' is a ${k.task} dataset, not detection`);
  const refs = opts.limit ? index.refs.slice(0, opts.limit) : index.refs;
  const samples: Sample[] = [];
  const dropped: DetSplit['dropped'] = [];
  for (const ref of refs) {
    const s = await k.load(ref);
    const { kept, dropped: d } = sanitizeBoxes(s.objects ?? [], s.width, s.height, {
      numClasses: index.classes.length,
      where: ref.annotation ?? ref.annotationFile ?? ref.image,
    });
    if (d.length) dropped.push({ name: s.name, boxes: d });
    samples.push({ ...s, objects: kept });
  }
  return { kind, split: index.split, classes: index.classes, samples, dropped, bad: index.bad };
}
