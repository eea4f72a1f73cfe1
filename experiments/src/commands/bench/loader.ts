import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { CommandModule } from 'yargs';
import { Rng, UsageError, parseIntFlag } from '@kd/core';
import { initBackend } from '@kd/runtime';
import { DataLoader, augmentPreset, datasetKind, type AugmentConfig, type Batch } from '@kd/data';
import { createModel } from '@kd/models';
import { bceDiceDeepSupervision } from '@kd/losses';
import { userPath } from '../../paths.ts';
import { withBackendFlags, type BackendFlags } from '../backend-flags.ts';

interface Args extends BackendFlags {
  batch: string;
  cityBatch: string;
  batches: string;
  workers: string;
  sodRoot?: string;
  cityscapesRoot?: string;
  model: string;
  trainSteps: string;
  json: boolean;
}

interface Setup {
  name: string;
  kind: string;
  root: string;
  split: string;
  batch: number;
  augment: AugmentConfig;
}

/** Images/s of the loader: one warm-up batch (worker start-up, first decodes) untimed, then `n` batches. */
async function loaderRate(s: Setup, workers: number, n: number): Promise<number> {
  const dl = new DataLoader({
    kind: s.kind,
    root: s.root,
    split: s.split,
    batchSize: s.batch,
    seed: 1,
    augment: s.augment,
    workers,
  });
  try {
    const it = dl.batches();
    await it.next();
    const t0 = performance.now();
    let images = 0;
    for (let i = 0; i < n; i++) images += ((await it.next()).value as Batch).size;
    const dt = (performance.now() - t0) / 1000;
    await it.return(undefined);
    return images / dt;
  } finally {
    await dl.close();
  }
}

/** Images/s of forward + deep-supervised BCE+dice + Adam on `batch` (SOD: its masks; Cityscapes: road vs rest). */
async function trainRate(model: string, batch: Batch, steps: number): Promise<number> {
  const m = createModel(model, { rng: new Rng(1) });
  const opt = tf.train.adam(1e-3);
  const { size: N, height: H, width: W } = batch;
  const x = tf.tensor4d(batch.images, [N, H, W, 3]);
  const target = batch.masks
    ? tf.tensor4d(batch.masks, [N, H, W, 1])
    : tf.tensor4d(
        Float32Array.from(batch.labels!, (v) => (v === 0 ? 1 : 0)),
        [N, H, W, 1],
      );
  const step = () => {
    m.train();
    const loss = opt.minimize(() => bceDiceDeepSupervision(m.forward(x), target), true, m.trainableVariables())!;
    loss.dataSync();
    loss.dispose();
  };
  try {
    step(); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    return (N * steps) / ((performance.now() - t0) / 1000);
  } finally {
    tf.dispose([x, target]);
    opt.dispose();
    m.dispose();
  }
}

/**
 * `pnpm exp bench loader [--batch 8] [--city-batch 2] [--batches 8] [--workers 1,2] [--sod-root DIR]
 * [--cityscapes-root DIR] [--model tinysod-s] [--train-steps 2] [--json]`
 * Loader images/s (decode + augment + batch, worker threads) for SOD at 352² (KD-SCFNet recipe,
 * fixed size) and Cityscapes 512×1024 crops (CIRKD recipe), beside the images/s of a training
 * step (forward + loss + Adam) of `--model` on a batch of the same size. Without roots it
 * synthesises twins once in the OS temp folder (SOD 400×300 JPEGs, Cityscapes 2048×1024 PNGs).
 * Loader and training are timed separately; in training they share the same cores.
 */
export const benchLoaderCommand: CommandModule<object, Args> = {
  command: 'loader',
  describe: 'Data loader images/s (1 and 2 workers) beside the training step it feeds',
  builder: (y) =>
    withBackendFlags(y)
      .option('batch', { type: 'string', default: '8', describe: 'SOD batch size' })
      .option('city-batch', { type: 'string', default: '2', describe: 'Cityscapes batch size' })
      .option('batches', {
        type: 'string',
        default: '8',
        describe: 'timed loader batches per setting (after one warm-up batch)',
      })
      .option('workers', { type: 'string', default: '1,2', describe: 'comma-separated worker counts' })
      .option('sod-root', { type: 'string', describe: 'SOD dataset (any SOD layout); default: synthetic twin' })
      .option('cityscapes-root', { type: 'string', describe: 'Cityscapes root (train split); default: synthetic twin' })
      .option('model', { type: 'string', default: 'tinysod-s', describe: 'registered model for the training step' })
      .option('train-steps', { type: 'string', default: '2', describe: 'timed training steps (after one warm-up)' })
      .option('json', { type: 'boolean', default: false, describe: 'JSON array on stdout' }) as never,
  handler: async (a) => {
    const batch = parseIntFlag('--batch', a.batch, { min: 1 });
    const cityBatch = parseIntFlag('--city-batch', a.cityBatch, { min: 1 });
    const n = parseIntFlag('--batches', a.batches, { min: 1 });
    const steps = parseIntFlag('--train-steps', a.trainSteps, { min: 1 });
    const workers = a.workers.split(',').map((w) => parseIntFlag('--workers', w, { min: 0 }));
    if (workers.length === 0) throw new UsageError('--workers: give at least one count');
    const cache = path.join(os.tmpdir(), 'kdlab-bench-data');
    const need = Math.max(batch, cityBatch) * (n + 2);
    const sodRoot = a.sodRoot ? userPath(a.sodRoot) : path.join(cache, 'sod');
    const cityRoot = a.cityscapesRoot ? userPath(a.cityscapesRoot) : path.join(cache, 'cityscapes');
    if (!a.sodRoot)
      await datasetKind('sod-kdscfnet').synth(sodRoot, { n: Math.min(need, 64), seed: 1, width: 400, height: 300 });
    if (!a.cityscapesRoot)
      await datasetKind('cityscapes').synth(cityRoot, { n: Math.min(need, 24), seed: 1, width: 2048, height: 1024 });
    const setups: Setup[] = [
      {
        name: 'sod 352²',
        kind: 'sod',
        root: sodRoot,
        split: 'train',
        batch,
        augment: { ...augmentPreset('kdscfnet-train'), size: { width: 352, height: 352 } },
      },
      {
        name: 'cityscapes 512×1024',
        kind: 'cityscapes',
        root: cityRoot,
        split: 'train',
        batch: cityBatch,
        augment: augmentPreset('cityscapes-train'),
      },
    ];
    const backend = await initBackend({ backend: a.backend, threads: a.threads, quiet: a.json });
    const rows: Record<string, unknown>[] = [];
    for (const s of setups) {
      const sample = await new DataLoader({
        kind: s.kind,
        root: s.root,
        split: s.split,
        batchSize: s.batch,
        seed: 1,
        augment: s.augment,
        workers: 0,
      })
        .batches()
        .next();
      const train = await trainRate(a.model, sample.value as Batch, steps);
      for (const w of workers) {
        const load = await loaderRate(s, w, n);
        const row = {
          setting: s.name,
          batch: s.batch,
          workers: w,
          loader_img_s: +load.toFixed(2),
          train_img_s: +train.toFixed(2),
          ratio: +(load / train).toFixed(1),
          model: a.model,
          backend: backend.label,
        };
        rows.push(row);
        if (!a.json)
          console.log(
            `${s.name.padEnd(20)} batch ${String(s.batch).padStart(2)}  workers ${w}  loader ${load.toFixed(1).padStart(7)} img/s   train step (${a.model}, ${backend.label}) ${train.toFixed(2).padStart(6)} img/s   ratio ${(load / train).toFixed(1)}×`,
          );
      }
    }
    if (a.json) console.log(JSON.stringify(rows, null, 2));
  },
};
