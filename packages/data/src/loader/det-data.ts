import '../dataset/register-kinds.ts';
import type { BadSample, Sample } from '../dataset/types.ts';
import { datasetKind, openDataset } from '../dataset/dataset-kind.ts';
import { sanitizeBoxes, type DroppedBox } from '../det/sanitize.ts';
import { lazySamples, type DetSampleSource } from './det-sample-source.ts';

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

/** A detection split listed but not decoded: its samples come from `source`, read on demand. */
export interface LazyDetSplit {
  kind: string;
  split: string;
  classes: readonly string[];
  /** Decoded samples with sanitized boxes (dropped boxes are not reported in this mode). */
  source: DetSampleSource;
  bad: BadSample[];
}

/**
 * Lists detection splits (one reader kind; several splits concatenate, e.g. VOC2007 + VOC2012
 * trainval) and decodes each sample only when the batch plan asks for it, through the reader and
 * `sanitizeBoxes`, then `map` (e.g. the letterbox). Memory stays at the source's LRU, whatever
 * the dataset's size. `limit` keeps the first n samples over all parts.
 */
export function openDetSplits(
  kind: string,
  parts: readonly { root: string; split: string }[],
  opts: { skipBad?: boolean; limit?: number; map?: (s: Sample) => Sample; cacheSize?: number } = {},
): LazyDetSplit {
  const k = datasetKind(kind);
  if (k.task !== 'det') throw new Error(`openDetSplits: dataset kind '${kind}' is a ${k.task} dataset, not detection`);
  const indexes = parts.map((p) => openDataset(kind, p.root, p.split, { skipBad: opts.skipBad }));
  const classes = indexes[0].classes;
  for (const [i, ix] of indexes.entries())
    if (ix.classes.join('|') !== classes.join('|'))
      throw new Error(
        `openDetSplits: ${parts[i].root} (${parts[i].split}) has classes [${ix.classes.join(', ')}], ${parts[0].root} has [${classes.join(', ')}]`,
      );
  const all = indexes.flatMap((ix) => ix.refs);
  const refs = opts.limit ? all.slice(0, opts.limit) : all;
  const source = lazySamples(
    refs.length,
    async (i) => {
      const ref = refs[i];
      const s = await k.load(ref);
      const { kept } = sanitizeBoxes(s.objects ?? [], s.width, s.height, {
        numClasses: classes.length,
        where: ref.annotation ?? ref.annotationFile ?? ref.image,
      });
      const clean = { ...s, objects: kept };
      return opts.map ? opts.map(clean) : clean;
    },
    opts.cacheSize,
  );
  return {
    kind,
    split: indexes.map((ix) => ix.split).join('+'),
    classes,
    source,
    bad: indexes.flatMap((ix) => ix.bad),
  };
}
