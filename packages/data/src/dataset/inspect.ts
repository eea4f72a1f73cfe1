import { DataError } from '@kd/core';
import { badFromError, datasetKind, openDataset } from './dataset-kind.ts';
import { IGNORE_LABEL, type BadSample, type Sample } from './types.ts';

/** What `pnpm exp data inspect --json` prints (keys as in issue 3). */
export interface InspectReport {
  kind: string;
  root: string;
  split: string;
  classes: readonly string[];
  /** Samples that decoded cleanly. */
  samples: number;
  image_sizes: { min: { width: number; height: number }; max: { width: number; height: number } } | null;
  /** Pixel kinds: pixels per train id / class index after id mapping (SOD: mask ≤ 128 | > 128); null otherwise. */
  class_pixels: number[] | null;
  /** Pixel kinds: pixels labelled 255 (ignore/void); null otherwise. */
  ignore_pixels: number | null;
  /** Detection kinds: class name → box count; null otherwise. */
  class_boxes: Record<string, number> | null;
  /** Every refused entry or sample: listing problems first, then decoding problems. */
  bad: BadSample[];
}

/**
 * Reads every sample of a split through the same reader training uses and counts sizes,
 * per-class pixels (or boxes) and bad samples. All bad samples are collected (listing with
 * skipBad), so one run reports them all. `concurrency` decodes overlap (sharp runs off-thread).
 */
export async function inspectDataset(
  kind: string,
  root: string,
  split?: string,
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<InspectReport> {
  const k = datasetKind(kind);
  const index = openDataset(kind, root, split, { skipBad: true });
  const pixelKind = k.task !== 'det' && k.labeled;
  const r: InspectReport = {
    kind,
    root,
    split: index.split,
    classes: index.classes,
    samples: 0,
    image_sizes: null,
    class_pixels: pixelKind ? new Array(index.classes.length).fill(0) : null,
    ignore_pixels: pixelKind ? 0 : null,
    class_boxes: k.task === 'det' ? Object.fromEntries(index.classes.map((c) => [c, 0])) : null,
    bad: [...index.bad],
  };
  const decodeBad: [number, BadSample][] = [];
  let next = 0,
    done = 0;
  const workers = Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, async () => {
    while (next < index.refs.length) {
      const i = next++;
      const ref = index.refs[i];
      try {
        count(r, await k.load(ref));
      } catch (e) {
        decodeBad.push([i, badFromError(e, ref.image)]);
      }
      opts.onProgress?.(++done, index.refs.length);
    }
  });
  await Promise.all(workers);
  r.bad.push(...decodeBad.sort((a, b) => a[0] - b[0]).map(([, b]) => b));
  return r;
}

function count(r: InspectReport, s: Sample): void {
  r.samples++;
  const sz = r.image_sizes ?? { min: { width: s.width, height: s.height }, max: { width: s.width, height: s.height } };
  sz.min = { width: Math.min(sz.min.width, s.width), height: Math.min(sz.min.height, s.height) };
  sz.max = { width: Math.max(sz.max.width, s.width), height: Math.max(sz.max.height, s.height) };
  r.image_sizes = sz;
  if (s.mask && r.class_pixels) {
    let fg = 0;
    for (let i = 0; i < s.mask.length; i++) if (s.mask[i] > 128) fg++;
    r.class_pixels[0] += s.mask.length - fg;
    r.class_pixels[1] += fg;
  }
  if (s.label && r.class_pixels) {
    const hist = new Float64Array(256);
    for (let i = 0; i < s.label.length; i++) hist[s.label[i]]++;
    r.ignore_pixels! += hist[IGNORE_LABEL];
    for (let c = 0; c < 256; c++) {
      if (c === IGNORE_LABEL || hist[c] === 0) continue;
      if (c >= r.class_pixels.length)
        throw new DataError(`reader produced label ${c} outside ${r.class_pixels.length} classes`, s.name);
      r.class_pixels[c] += hist[c];
    }
  }
  if (s.objects && r.class_boxes) for (const o of s.objects) r.class_boxes[r.classes[o.cls]]++;
}
