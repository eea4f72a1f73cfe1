import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, scratchDirs, type RunContext } from '@kd/core';
import { sharedWeightsDir } from '@kd/models';
import { useBackend } from '@kd/runtime';
import { csnetReleasedRecipe, type CsnetReleasedConfig } from './csnet-released-recipe.ts';
import golden from './csnet-released.golden.json';

/** The 40 real SOD pairs (../shared/real-data/sod/SOURCES.md) and the released weights, or KD_SHARED_DIR. */
const WEIGHTS = sharedWeightsDir();
const REAL = path.join(path.dirname(WEIGHTS), 'real-data', 'sod');
const HAVE = fs.existsSync(REAL) && fs.existsSync(path.join(WEIGHTS, 'csnet-L-x1.safetensors'));
const TOL = 0.002;

const temp = scratchDirs();
afterAll(temp.removeAll);

const cfg = (o: Partial<CsnetReleasedConfig>): CsnetReleasedConfig => ({
  model: 'csnet-l-x1',
  weights_x1: path.join(WEIGHTS, 'csnet-L-x1.safetensors'),
  weights_x2: path.join(WEIGHTS, 'csnet-L-x2.safetensors'),
  benchmarks: 'DUTS-TE,ECSSD,HKU-IS,DUT-OMRON,PASCAL-S',
  size: 224,
  ...o,
});
const runAt = (dataRoot: string, smoke = false) =>
  ({ dataRoot, seed: 1, rng: new Rng(1), smoke, progress: false, log: () => {} }) as unknown as RunContext;

/** `<root>/ECSSD` in the KD-SCFNet layout and `<root>/HKU-IS` in CSNet's, both the 40 real pairs (symlinks). */
function fixture(): string {
  const root = temp.make('kdlab-csnet-released-');
  const ids = golden.ids;
  for (const [bench, img, gt] of [
    ['ECSSD', 'image', 'mask'],
    ['HKU-IS', 'images', 'GT'],
  ]) {
    for (const sub of [img, gt]) fs.mkdirSync(path.join(root, bench, sub), { recursive: true });
    for (const id of ids) {
      fs.symlinkSync(path.join(REAL, `${id}.jpg`), path.join(root, bench, img, `${id}.jpg`));
      fs.symlinkSync(path.join(REAL, `${id}.png`), path.join(root, bench, gt, `${id}.png`));
    }
  }
  fs.writeFileSync(path.join(root, 'ECSSD', 'test.txt'), ids.join('\n') + '\n');
  return root;
}

describe.skipIf(!HAVE)(
  'csnet-released on the 40 real SOD pairs lands on the official pipeline (needs ../shared, or KD_SHARED_DIR)',
  () => {
    let root = '';
    beforeAll(async () => {
      await useBackend('wasm');
      root = fixture();
    });

    it.each(['x1', 'x2'] as const)(
      'csnet-l-%s: MAE, maxF (SalMetric and toolbox) and S within 0.002 of the torch reference (x1: KD-SCFNet layout, x2: CSNet layout)',
      async (v) => {
        const before = tf.memory().numTensors;
        const row = await csnetReleasedRecipe(
          cfg({ model: `csnet-l-${v}`, benchmarks: v === 'x1' ? 'ECSSD' : 'HKU-IS' }),
          runAt(root),
        );
        expect(tf.memory().numTensors).toBe(before);
        const ref = golden.models[`csnet-l-${v}`];
        expect(row.params).toBe(ref.params); // 93,647 / 140,894
        for (const b of v === 'x1' ? ['ECSSD'] : ['HKU-IS']) {
          expect(row[`${b}_n`]).toBe(40);
          const got = {
            sal: [row[`${b}_MAE`], row[`${b}_maxF`], row[`${b}_meanF`]],
            tb: [row[`${b}_tb_MAE`], row[`${b}_tb_maxF`], row[`${b}_tb_meanF`], row[`${b}_tb_S`], row[`${b}_tb_E`]],
          };
          const want = {
            sal: [ref.salmetric.MAE, ref.salmetric.maxFm, ref.salmetric.meanFm],
            tb: [ref.toolbox.MAE, ref.toolbox.maxFm, ref.toolbox.meanFm, ref.toolbox.Smeasure, ref.toolbox.adpEm],
          };
          console.log(`csnet-l-${v} ${b}: ours ${JSON.stringify(got)} reference ${JSON.stringify(want)}`);
          got.sal.forEach((g, i) => expect(Math.abs((g as number) - want.sal[i])).toBeLessThan(TOL));
          got.tb.forEach((g, i) => expect(Math.abs((g as number) - want.tb[i])).toBeLessThan(TOL));
        }
        expect(row.benchmarks).toBe(v === 'x1' ? 'ECSSD' : 'HKU-IS');
      },
      300_000,
    );

    it('a row without its checkpoint says so; no checkpoint at all, a missing file or no benchmark names the flag', async () => {
      expect(await csnetReleasedRecipe(cfg({ model: 'csnet-l-x2', weights_x2: '' }), runAt(root))).toEqual({
        model: 'csnet-l-x2',
        weights: 'none',
        note: 'no weights (--set weights_x2=FILE)',
      });
      await expect(csnetReleasedRecipe(cfg({ weights_x1: '', weights_x2: '' }), runAt(root))).rejects.toThrow(
        'pass --set weights_x1=FILE and/or --set weights_x2=FILE',
      );
      await expect(csnetReleasedRecipe(cfg({ weights_x1: '/nonexistent.safetensors' }), runAt(root))).rejects.toThrow(
        "--set weights_x1: '/nonexistent.safetensors' does not exist",
      );
      await expect(csnetReleasedRecipe(cfg({ benchmarks: 'DUT-OMRON' }), runAt(root))).rejects.toThrow(
        'none of DUT-OMRON found',
      );
    });

    it('--smoke scores at most 4 images per benchmark', async () => {
      const row = await csnetReleasedRecipe(cfg({ benchmarks: 'ECSSD' }), runAt(root, true));
      expect(row.ECSSD_n).toBe(4);
      expect(row.n_test).toBe(4);
    });
  },
);
