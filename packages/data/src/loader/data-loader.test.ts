import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../dataset/register-kinds.ts';
import { datasetKind } from '../dataset/dataset-kind.ts';
import { augmentPreset } from '../transforms/augment.ts';
import { tempDir } from '../testing/tiny-png.ts';
import { DataLoader, type LoaderOptions } from './data-loader.ts';
import type { Batch } from './batch.ts';
import { epochOrder } from './epoch-order.ts';

const root = tempDir('loader');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await datasetKind('sod-kdscfnet').synth(path.join(root, 'sod'), { n: 6, seed: 4, width: 64, height: 48 });
  await datasetKind('voc-seg').synth(path.join(root, 'voc'), { n: 4, seed: 4, width: 40, height: 30 });
});

const sodOpts = (workers: number): LoaderOptions => ({
  kind: 'sod',
  root: path.join(root, 'sod'),
  batchSize: 2,
  seed: 12,
  augment: augmentPreset('kdscfnet-train'),
  workers,
});
async function collect(dl: DataLoader, from = { epoch: 0, step: 0 }, until = 2): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of dl.batches(from, until)) out.push(b);
  return out;
}

/** A batch as comparable text: positions, names, size and a hash of every array's bytes. */
function digest(b: Batch): string {
  const h = crypto.createHash('sha1');
  for (const a of [b.images, b.masks, b.labels, b.boxes])
    if (a) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return `${b.epoch}.${b.step} ${b.height}×${b.width} ${b.names.join(',')} ${h.digest('hex')}`;
}

describe('DataLoader', () => {
  it('gives byte-identical batches on 0 and 2 worker threads, and resumes at (epoch, step)', async () => {
    const inProcess = new DataLoader(sodOpts(0));
    const pooled = new DataLoader(sodOpts(2));
    try {
      const a = await collect(inProcess);
      const b = await collect(pooled);
      expect(a.map((x) => [x.epoch, x.step])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 0],
        [1, 1],
        [1, 2],
      ]);
      expect(b.map(digest)).toEqual(a.map(digest));
      expect((await collect(inProcess, { epoch: 1, step: 1 })).map(digest)).toEqual(a.slice(4).map(digest));
      const first = a[0];
      expect([224, 256, 288, 320, 352]).toContain(first.height);
      expect(first.width).toBe(first.height);
      expect(first.images.length).toBe(2 * first.height * first.width * 3);
      expect(first.masks!.length).toBe(2 * first.height * first.width);
      expect(first.masks!.reduce((m, v) => Math.min(m, v), 1)).toBe(0);
      expect(first.masks!.reduce((m, v) => Math.max(m, v), 0)).toBe(1);
      const order = epochOrder(6, 12, 1);
      expect(a[3].names).toEqual(order.slice(0, 2).map((i) => inProcess.index.refs[i].name));
      expect(epochOrder(6, 12, 0)).not.toEqual(order);
    } finally {
      await pooled.close();
    }
  });

  it('closing while a worker is building a batch settles every pending batch (an error, never a hang)', async () => {
    const dl = new DataLoader(sodOpts(1));
    const it = dl.batches({ epoch: 0, step: 0 }, 2);
    // the first batch is now with the worker, more are queued; observe the outcome before closing
    const outcome = it.next().then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await dl.close();
    expect(await outcome).toBe('BatchWorkerPool: closed');
  });

  it('packs segmentation labels with nearest resizing only (values stay in the label set)', async () => {
    const dl = new DataLoader({
      kind: 'voc-seg',
      root: path.join(root, 'voc'),
      batchSize: 2,
      seed: 3,
      augment: { flip: { horizontal: 0.5, vertical: 0 }, size: { width: 57, height: 33 }, normalize: 'imagenet' },
      workers: 0,
    });
    const [b] = await collect(dl, { epoch: 0, step: 0 }, 1);
    const allowed = new Set<number>();
    for (const ref of dl.index.refs.filter((r) => b.names.includes(r.name)))
      for (const v of (await datasetKind('voc-seg').load(ref)).label!) allowed.add(v);
    expect(b.labels!.length).toBe(2 * 57 * 33);
    expect(new Set(b.labels)).toEqual(allowed);
  });

  it('with skipBad, drops an undecodable sample from its batch and reports it once', async () => {
    const broken = path.join(root, 'sod-broken');
    fs.cpSync(path.join(root, 'sod'), broken, { recursive: true });
    fs.truncateSync(path.join(broken, 'image/train_00003.jpg'), 100);
    await expect(collect(new DataLoader({ ...sodOpts(0), root: broken }), { epoch: 0, step: 0 }, 1)).rejects.toThrow(
      /train_00003\.jpg: cannot decode image/,
    );
    const dl = new DataLoader({ ...sodOpts(0), root: broken, skipBad: true });
    const batches = await collect(dl);
    expect(batches.map((b) => b.size).sort()).toEqual([1, 1, 2, 2, 2, 2]);
    expect(dl.skipped()).toHaveLength(1);
    expect(dl.skipped()[0].file).toBe(path.join(broken, 'image/train_00003.jpg'));
  });
});
