import path from 'node:path';
import { UsageError } from '@kd/core';
import {
  DET_AUGMENT_DEFAULTS,
  datasetKind,
  loadDetSplit,
  memorySamples,
  synthCocoDataset,
  type CocoTwinStyle,
} from '@kd/data';
import type { RunContext } from '../run-context.ts';
import { SMOKE_EVAL_IMAGES, SMOKE_STEPS } from '../smoke.ts';
import type { DetSweepConfig } from './det-config.ts';
import { loadRealDet, resolveDetRoots } from './det-real-data.ts';

/** Train/test splits of the synthetic twins' formats. */
export const DET_SPLITS: Record<string, [string, string]> = {
  'coco-det': ['train2017', 'val2017'],
  'voc-det': ['trainval', 'test'],
};
/**
 * The run's detection data. `dataset` = `coco-det` or `voc-det`: the synthetic twin (quick
 * profile); any other value is a real root (a path, relative to --data-root: VOC or COCO JSON,
 * see resolveDetRoots), letterboxed to `size`² — the `full` profile never synthesises. The train
 * split is a `DetSampleSource` (in memory for a twin, decoded on demand for a real root).
 * `--smoke` keeps the first 2·batch train and 4 test samples.
 */
export async function detData(cfg: DetSweepConfig, run: RunContext) {
  const limits = run.smoke ? { train: SMOKE_STEPS * cfg.batch, test: SMOKE_EVAL_IMAGES } : {};
  const splits = DET_SPLITS[cfg.dataset];
  const d = splits
    ? await synthDetData(cfg, run.dataRoot, splits, limits)
    : await realDetData(cfg, run.dataRoot, limits);
  const K = d.train.classes.length;
  const perEpoch = Math.floor(d.train.source.length / cfg.batch);
  if (perEpoch < 1)
    throw new UsageError(
      `det recipe: ${d.train.source.length} training images at batch ${cfg.batch} make no step; lower 'batch' (dataset '${cfg.dataset}')`,
    );
  return {
    ...d,
    K,
    augment: { ...DET_AUGMENT_DEFAULTS, size: cfg.size, numClasses: K },
    perEpoch,
  };
}
type DetLimits = { train?: number; test?: number };

/** A real VOC / COCO-JSON root (resolveDetRoots), letterboxed to `size`². */
async function realDetData(cfg: DetSweepConfig, dataRoot: string, limits: DetLimits) {
  const roots = resolveDetRoots(cfg.dataset, dataRoot);
  const { train, test } = await loadRealDet(roots, cfg.size, limits);
  return { root: path.resolve(dataRoot, cfg.dataset), train, test, crowdFlag: roots.kind === 'coco-det' };
}

/** The folder of a config's synthetic twin under `dataRoot` (`twin` picks the COCO twin's scenes: fall2, cluttered8). */
export function synthDetRoot(
  cfg: Pick<DetSweepConfig, 'dataset' | 'size' | 'n_train' | 'twin'>,
  dataRoot: string,
): string {
  const twin = cfg.twin || 'fall2';
  return path.join(
    dataRoot,
    `synthetic-${cfg.dataset}-${cfg.size}-n${cfg.n_train}${twin === 'fall2' ? '' : `-${twin}`}`,
  );
}

async function synthDetData(cfg: DetSweepConfig, dataRoot: string, splits: [string, string], limits: DetLimits) {
  // The synthetic twin: fall2 (2 colour-coded classes) or cluttered8 (8 classes sharing hues, clutter, occlusion).
  const twin = (cfg.twin || 'fall2') as CocoTwinStyle;
  const root = synthDetRoot(cfg, dataRoot);
  if (twin !== 'fall2' && cfg.dataset !== 'coco-det')
    throw new UsageError(`det recipe: twin '${twin}' exists for dataset coco-det only, got '${cfg.dataset}'`);
  if (twin === 'fall2')
    await datasetKind(cfg.dataset).synth(root, { seed: 1, n: cfg.n_train, width: cfg.size, height: cfg.size });
  else await synthCocoDataset(root, { seed: 1, n: cfg.n_train, width: cfg.size, height: cfg.size, style: twin });
  const trainSplit = await loadDetSplit(cfg.dataset, root, splits[0], { limit: limits.train });
  const test = await loadDetSplit(cfg.dataset, root, splits[1], { limit: limits.test });
  const train = { ...trainSplit, source: memorySamples(trainSplit.samples) };
  return { root, train, test, crowdFlag: cfg.dataset === 'coco-det' };
}
export type DetData = Awaited<ReturnType<typeof detData>>;
