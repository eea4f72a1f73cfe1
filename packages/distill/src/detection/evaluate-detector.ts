import { cocoEval, vocEval, type CocoStats, type DetCase, type Detection, type GtObject } from '@kd/bench';
import { resizeSample, type Sample } from '@kd/data';
import type { DetBox, DetectionModel, PostprocessOptions } from '@kd/models';
import { makeDetBatch } from './det-batch.ts';

export interface DetScores {
  /** VOC07 11-point mAP at IoU 0.5 (no "+1": our boxes are pixel-edge corners). */
  voc07: number | null;
  /** VOC all-point mAP at IoU 0.5. */
  vocAllPoint: number | null;
  /** COCO AP@[.5:.95], AP50, AP75, … (pycocotools conventions). */
  coco: CocoStats;
  numImages: number;
  numDetections: number;
}

export interface DetEvaluation extends DetScores {
  /** Inference throughput at `size`²: forward + decode + NMS + download, batch assembly excluded. */
  inferImagesPerSecond: number;
}

/**
 * Scores detections against the samples' gt with @kd/bench: VOC07 11-point and all-point AP@0.5
 * (difficult ignored, no +1) and the COCO numbers (the `difficult` flag read as iscrowd when
 * `crowdFlag` is set, as the COCO-format reader fills it from `iscrowd`). dets[i] are the boxes
 * of samples[i] in that image's own pixels; classes are 0..numClasses−1.
 */
export function scoreDetections(
  samples: readonly Sample[],
  dets: readonly (readonly DetBox[])[],
  numClasses: number,
  crowdFlag = false,
): DetScores {
  const gt: GtObject[] = [],
    all: Detection[] = [];
  samples.forEach((s, i) => {
    for (const o of s.objects ?? [])
      gt.push({
        image_id: i,
        class: o.cls,
        bbox: [o.x1, o.y1, o.x2, o.y2],
        difficult: o.difficult,
        iscrowd: crowdFlag && o.difficult,
      });
    for (const d of dets[i] ?? [])
      all.push({ image_id: i, class: d.cls, score: d.score, bbox: [d.x1, d.y1, d.x2, d.y2] });
  });
  const c: DetCase = {
    images: samples.map((_, i) => i),
    classes: Array.from({ length: numClasses }, (_, k) => k),
    gt,
    dets: all,
  };
  const { per_class_AP: _, ...coco } = cocoEval(c);
  return {
    voc07: vocEval(c, { use07: true, plusOne: false }).mAP,
    vocAllPoint: vocEval(c, { use07: false, plusOne: false }).mAP,
    coco,
    numImages: samples.length,
    numDetections: all.length,
  };
}

/**
 * Runs the detector over a split: each image is resized to size×size, detected (default score
 * ≥ 0.01, class-aware NMS at IoU 0.65, ≤ 100 per image — FSD's test config), the boxes scaled
 * back to the image's own pixels and scored with `scoreDetections`.
 */
export function evaluateDetector(
  model: DetectionModel,
  samples: readonly Sample[],
  opts: { size: number; batchSize?: number; crowdFlag?: boolean; post?: PostprocessOptions },
): DetEvaluation {
  const bs = opts.batchSize ?? 16,
    S = opts.size;
  const dets: DetBox[][] = [];
  let ms = 0;
  for (let i = 0; i < samples.length; i += bs) {
    const chunk = samples.slice(i, i + bs);
    const batch = makeDetBatch(
      chunk.map((s) => resizeSample(s, S, S)),
      model.normalization,
    );
    const t0 = performance.now();
    const found = model.detect(batch.x, opts.post);
    ms += performance.now() - t0;
    batch.x.dispose();
    found.forEach((list, k) => {
      const s = chunk[k],
        fx = s.width / S,
        fy = s.height / S;
      dets.push(list.map((d) => ({ ...d, x1: d.x1 * fx, y1: d.y1 * fy, x2: d.x2 * fx, y2: d.y2 * fy })));
    });
  }
  return {
    ...scoreDetections(samples, dets, model.numClasses, opts.crowdFlag),
    inferImagesPerSecond: (samples.length / ms) * 1000,
  };
}
