// SOD (PySODMetrics conventions by default; SalMetric as an option)
export * from './sod/constants.ts';
export * from './sod/prepare.ts';
export * from './sod/mae.ts';
export * from './sod/f-measure.ts';
export * from './sod/s-measure.ts';
export * from './sod/e-measure.ts';
export * from './sod/nearest-foreground.ts';
export * from './sod/weighted-f-measure.ts';
export * from './sod/sod-evaluator.ts';
export * from './sod/salmetric-evaluator.ts';
export * from './sod/toolbox-evaluator.ts';
export * from './sod/resize-gray.ts';
// Segmentation (mmseg confusion-matrix conventions)
export * from './seg/seg-evaluator.ts';
export * from './seg/cityscapes-ids.ts';
export * from './seg/per-image-iou.ts';
// Detection (VOC devkit and pycocotools conventions)
export * from './det/det-case.ts';
export * from './det/voc-eval.ts';
export * from './det/coco-match.ts';
export * from './det/coco-eval.ts';
// Profiling
export * from './profile/latency.ts';
export * from './profile/kernel-times.ts';
export * from './profile/op-summary.ts';
export * from './profile/profile-model.ts';
// Tables
export * from './table/result-row.ts';
export * from './table/csv.ts';
export * from './table/aggregate-seeds.ts';
export * from './table/markdown.ts';
export * from './json.ts';
export * from './table/read-csv.ts';
// Claims: paired seeds, confidence intervals, verdicts
export * from './claims/claim-spec.ts';
export * from './claims/student-t.ts';
export * from './claims/paired-interval.ts';
export * from './claims/per-image-stat.ts';
export * from './claims/paired-bootstrap.ts';
export * from './claims/judge-claims.ts';
export * from './claims/claims-table.ts';
// TensorBoard event files (scalars, images)
export * from './tensorboard/index.ts';
