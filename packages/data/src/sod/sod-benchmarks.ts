import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '@kd/core';
import type { SampleRef } from '../dataset/types.ts';
import { csnetDir, listCsnet } from './csnet-layout.ts';
import type { SodLayout } from './detect-layout.ts';
import { listKdScfnet } from './kdscfnet-layout.ts';

/** The five SOD test benchmarks of KD-SCFNet's and CSNet's tables, in the papers' column order. */
export const SOD_BENCHMARKS = ['DUTS-TE', 'ECSSD', 'HKU-IS', 'DUT-OMRON', 'PASCAL-S'] as const;
export type SodBenchmarkName = (typeof SOD_BENCHMARKS)[number];

/** One benchmark found under a data root, listed and checked (every image has its mask). */
export interface SodBenchmark {
  name: string;
  /** `<dataRoot>/<name>`. */
  root: string;
  layout: SodLayout;
  /** Sample names: `test.txt` order (KD-SCFNet) or sorted `images/` stems (CSNet). */
  names: string[];
  /** The listed pairs (absolute paths), same order as `names`. */
  refs: SampleRef[];
}

/**
 * Looks for each `wanted` benchmark as `<dataRoot>/<B>/`, in the KD-SCFNet layout
 * (METHODS §1.6: `image/<name>.jpg|png`, `mask/<name>.png`, `test.txt`) or CSNet's
 * (§2.7: `images/<name>.*`, `GT/<name>.png`). A folder that is absent goes into `missing`;
 * a folder present in neither layout, or with an image lacking its mask, throws a DataError
 * naming the folder or the image. Image/mask sizes are checked when a pair is decoded
 * (`loadSodSample` names both sizes).
 */
export function findSodBenchmarks(
  dataRoot: string,
  wanted: readonly string[] = SOD_BENCHMARKS,
): { found: SodBenchmark[]; missing: string[] } {
  const found: SodBenchmark[] = [];
  const missing: string[] = [];
  for (const name of wanted) {
    const root = path.join(dataRoot, name);
    if (!fs.existsSync(root)) {
      missing.push(name);
      continue;
    }
    found.push(listBenchmark(name, root));
  }
  return { found, missing };
}

function listBenchmark(name: string, root: string): SodBenchmark {
  const has = (p: string) => fs.existsSync(path.join(root, p));
  let layout: SodLayout;
  let listed: { refs: SampleRef[]; bad: { file: string; reason: string }[] };
  if (has('image') && has('mask') && has('test.txt')) {
    layout = 'kdscfnet';
    // Listed unlabeled, masks checked below, so a missing mask is reported with its image's path.
    listed = listKdScfnet(root, 'test', false);
    for (const r of listed.refs) r.mask = path.join(root, 'mask', `${r.name}.png`);
  } else if (csnetDir(root, '') === root) {
    layout = 'csnet';
    listed = listCsnet(root, ''); // bad entries: file = the image, reason = the GT it lacks
  } else {
    throw new DataError(
      `${name} is in no SOD benchmark layout: expected image/, mask/ and test.txt (KD-SCFNet) or images/ and GT/ (CSNet)`,
      root,
    );
  }
  if (listed.bad.length) throw new DataError(`${name}: ${listed.bad[0].reason}`, listed.bad[0].file);
  for (const r of listed.refs) {
    if (!fs.existsSync(r.mask!)) {
      throw new DataError(`${name}: missing mask for image (expected mask/${r.name}.png)`, r.image);
    }
  }
  return { name, root, layout, names: listed.refs.map((r) => r.name), refs: listed.refs };
}

/**
 * The one line a caller prints about what `findSodBenchmarks` saw, e.g.
 * `SOD benchmarks under data: found ECSSD (40), PASCAL-S (850); missing DUTS-TE, HKU-IS, DUT-OMRON (skipped)`.
 */
export function describeSodBenchmarks(
  dataRoot: string,
  r: { found: readonly SodBenchmark[]; missing: readonly string[] },
): string {
  const found = r.found.length ? r.found.map((b) => `${b.name} (${b.refs.length})`).join(', ') : 'none';
  const missing = r.missing.length ? `; missing ${r.missing.join(', ')} (skipped)` : '';
  return `SOD benchmarks under ${dataRoot}: found ${found}${missing}`;
}
