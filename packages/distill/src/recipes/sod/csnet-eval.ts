import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SalMetricEvaluator, SodEvaluator, resizeGrayBilinear, type GrayMap, type ResultRow } from '@kd/bench';
import { writeJsonAtomic } from '@kd/core';
import { autoSodKind, readGray } from '@kd/data';
import { countModel, type KdModel } from '@kd/models';
import type { PerImageStat } from '@kd/bench';
import type { BatchSource } from '../../trainer/step-source.ts';
import type { CsnetDwdConfig } from './csnet-recipe.ts';

/** Where `eval_resolution: original` finds each validation image's ground truth. */
export interface GtSource {
  root: string;
  split: string;
}

/**
 * Scores a CSNet on the validation loader in both metric conventions. Per image: P = σ(logits)
 * [H, W] at the input size; with `eval_resolution: input` it is compared with the loader's mask
 * (resized with the image); with `original` (official test.py / val) P·255 is resized bilinearly
 * (half-pixel) to the ground truth's own H×W, then rounded to 8 bits, and compared with the GT PNG
 * read from disk. PySODMetrics (`SodEvaluator`) gives MAE/maxFm/meanFm/Smeasure, SalMetric
 * (`SalMetricEvaluator`: no normalisation, strict >, integer thresholds) `*_salmetric`; `metric:
 * salmetric` puts SalMetric's numbers in MAE/maxFm/meanFm. `MAE_background` is the MAE of the
 * all-background predictor (P ≡ 0) on the same ground truths: mean over images of mean(G)/255.
 * Writes each image's MAE to `<runDir>/per-image.json`.
 */
export async function csnetScores(
  model: KdModel,
  test: BatchSource,
  cfg: CsnetDwdConfig,
  gt: GtSource,
  runDir?: string,
): Promise<ResultRow & { MAE: number; maxFm: number; MAE_background: number }> {
  const masks =
    cfg.eval_resolution === 'original'
      ? new Map(autoSodKind.list(gt.root, gt.split).refs.map((r) => [r.name, r.mask!]))
      : null;
  model.eval();
  const pysod = new SodEvaluator();
  const sal = new SalMetricEvaluator();
  const perImage: PerImageStat = { metric: 'MAE', reduce: 'mean', names: [], vectors: [] };
  let bg = 0,
    n = 0,
    ms = 0;
  try {
    for await (const b of test.batches({ epoch: 0, step: 0 }, 1)) {
      if (!b.masks) throw new Error('csnetScores: the eval loader yields no masks');
      const x = tf.tensor4d(b.images, [b.size, b.height, b.width, 3]);
      const t0 = performance.now();
      const p = tf.tidy(() => tf.sigmoid(model.forward(x)[0]).mul(255));
      const values = await p.data();
      ms += performance.now() - t0;
      p.dispose();
      x.dispose();
      const hw = b.height * b.width;
      for (let i = 0; i < b.size; i++) {
        const raw = { data: values.subarray(i * hw, (i + 1) * hw), width: b.width, height: b.height };
        let pred: GrayMap, truth: GrayMap;
        if (masks) {
          const file = masks.get(b.names[i]);
          if (!file) throw new Error(`csnetScores: no ground truth listed for '${b.names[i]}' in ${gt.root}`);
          const g = await readGray(file);
          truth = { data: g.data, width: g.width, height: g.height };
          pred = resizeGrayBilinear(raw, g.width, g.height);
        } else {
          truth = {
            data: Uint8Array.from(b.masks.subarray(i * hw, (i + 1) * hw), (v) => Math.round(v * 255)),
            width: b.width,
            height: b.height,
          };
          pred = { data: Uint8Array.from(raw.data, (v) => Math.round(v)), width: b.width, height: b.height };
        }
        const one = pysod.add(pred, truth, b.names[i]);
        sal.add(pred, truth, b.names[i]);
        perImage.names.push(one.name);
        perImage.vectors.push([one.MAE]);
        let s = 0;
        for (let k = 0; k < truth.data.length; k++) s += truth.data[k];
        bg += s / truth.data.length / 255;
        n++;
      }
    }
  } finally {
    model.train(true);
  }
  if (runDir) writeJsonAtomic(path.join(runDir, 'per-image.json'), perImage);
  const a = pysod.summary(),
    s = sal.summary();
  const main = cfg.metric === 'salmetric' ? { MAE: s.MAE, maxFm: s.maxFm, meanFm: s.meanFm } : a;
  const count = countModel(model, [cfg.size, cfg.size]);
  return {
    model: model.name,
    params: count.params,
    gmacs: count.macs / 1e9,
    MAE: main.MAE,
    maxFm: main.maxFm,
    meanFm: main.meanFm,
    Smeasure: a.Smeasure,
    adpEm: a.adpEm,
    MAE_salmetric: s.MAE,
    maxFm_salmetric: s.maxFm,
    MAE_background: n ? bg / n : NaN,
    n_test: n,
    infer_img_s: Math.round((n / ms) * 1000 * 10) / 10,
  };
}
