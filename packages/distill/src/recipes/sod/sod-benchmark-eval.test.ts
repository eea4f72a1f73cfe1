import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs } from '@kd/core';
import { NORMALIZATIONS, findSodBenchmarks, writeGrayPng, writeJpeg } from '@kd/data';
import { createModel, type KdModel } from '@kd/models';
import { useBackend } from '@kd/runtime';
import { evaluateSodBenchmark } from './sod-benchmark-eval.ts';

const scratch = scratchDirs();

/** `<root>/ECSSD` in the KD-SCFNet layout: images `a` (W×H) and `b`, masks of the given sizes. */
async function bench(root: string, sizes: { img: [number, number]; mask: [number, number] }[]) {
  const dir = path.join(root, 'ECSSD');
  const names = sizes.map((_, i) => `im${i}`);
  for (const [i, { img, mask }] of sizes.entries()) {
    const rgb = new Uint8Array(img[0] * img[1] * 3).map((_, k) => (k * 37 + i * 11) % 256);
    await writeJpeg(path.join(dir, 'image', `${names[i]}.jpg`), rgb, img[0], img[1]);
    const m = new Uint8Array(mask[0] * mask[1]).map((_, k) => (k % mask[0] < mask[0] / 2 ? 255 : 0));
    await writeGrayPng(path.join(dir, 'mask', `${names[i]}.png`), m, mask[0], mask[1]);
  }
  fs.writeFileSync(path.join(dir, 'test.txt'), names.join('\n') + '\n');
  return findSodBenchmarks(root, ['ECSSD']).found[0];
}

describe('evaluateSodBenchmark (KD-SCFNet test protocol)', () => {
  let model: KdModel;
  beforeAll(async () => {
    await useBackend('cpu');
    model = createModel('tinysod-s', { rng: new Rng(3) }) as KdModel;
  });
  afterAll(() => {
    model.dispose();
    scratch.removeAll();
  });

  it('scores each image at its own size; --smoke limit keeps the first images; no tensor left', async () => {
    const b = await bench(scratch.make('kd-bench-'), [
      { img: [40, 30], mask: [40, 30] },
      { img: [24, 36], mask: [24, 36] },
    ]);
    const before = tf.memory().numTensors;
    const all = await evaluateSodBenchmark(model, b, 32, NORMALIZATIONS.kdscfnet);
    const one = await evaluateSodBenchmark(model, b, 32, NORMALIZATIONS.kdscfnet, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect([all.num_images, one.num_images]).toEqual([2, 1]);
    for (const k of ['MAE', 'maxFm', 'meanFm', 'Smeasure', 'adpEm'] as const) {
      expect(all[k]).toBeGreaterThanOrEqual(0);
      expect(all[k]).toBeLessThanOrEqual(1);
    }
  });

  it('an image and its mask of different sizes is an error naming both sizes and the mask', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-'));
    try {
      const b = await bench(root, [{ img: [40, 30], mask: [20, 15] }]);
      await expect(evaluateSodBenchmark(model, b, 32, NORMALIZATIONS.kdscfnet)).rejects.toThrow(
        /ECSSD: image is 40×30 but its mask .*im0\.png is 20×15/,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
