import type { SegSweepConfig } from '@kd/distill';

/**
 * The quick-profile segmentation setting shared by ablation-bcd, ablation-ka and kd-zoo:
 * a synthetic Cityscapes twin at 128×64, FCN-MobileNetV2 ×0.35 student, DeepLabV3+-R50 ×0.25
 * teacher, Adam. `SEG_FULL` is the papers' shared Cityscapes protocol for GPUs (below).
 */
export const SEG_QUICK: SegSweepConfig = {
  role: 'student',
  data: 'synthetic',
  dataset: 'cityscapes',
  width: 128,
  height: 64,
  n_train: 384,
  n_val: 96,
  twin: 'objects',
  batch: 8,
  workers: 1,
  student: 'fcn-mbv2-os8',
  student_width: 0.35,
  teacher: 'deeplabv3plus-r50',
  teacher_width: 0.25,
  teacher_epochs: 24,
  teacher_seed: 1,
  epochs: 16,
  // The full profile's keys, here at the quick setting (resize, evaluate resized, schedules in epochs).
  aug: 'resize',
  scale_min: 0.5,
  scale_max: 2,
  eval: 'resize',
  teacher_iters: 0,
  iters: 0,
  optimizer: 'adam',
  lr: 0.002,
  weight_decay: 0,
  teacher_cache: false,
  // Init (docs/weights.md#weights-in-sweeps): teacher trained here from a random init, student random.
  teacher_weights: '',
  teacher_backbone_weights: 'none',
  student_backbone_weights: 'none',
};

/**
 * The full profile's shared part, the Cityscapes protocol of METHODS §6 (CIRKD) and §4.3 (Knowledge
 * Adaptation): gtFine train → val, 512×1024 random crops (padded with ignore) after a random scale
 * in {0.5, 0.6, …, 2.0}, horizontal flip, ImageNet normalisation; SGD momentum 0.9 with poly lr
 * (power 0.9), batch 16; evaluation of the whole 1024×2048 frame (padded to the input multiple),
 * mIoU over the 19 trainIds, 255 ignored. Teacher and student trunks start from torchvision's
 * ImageNet weights (docs/weights.md); the teacher-output cache is off (a 512×1024 batch of logits
 * and taps is ~1 GB; the teacher's forward is recomputed). Each experiment's `full` block adds its
 * pair, lr, weight decay and iterations; the table they are checked against is seg-full-recipe.test.ts.
 * Deviations: iterations are rounded to whole epochs (`epochsOf`); the crop's scale set is CIRKD's
 * 0.1 grid (mmseg draws a continuous ratio); no caffe BGR mean (torchvision trunks take ImageNet RGB).
 */
export const SEG_FULL: Partial<SegSweepConfig> = {
  data: 'cityscapes',
  dataset: 'cityscapes',
  width: 1024,
  height: 512,
  aug: 'scale-crop',
  scale_min: 0.5,
  scale_max: 2,
  eval: 'whole',
  batch: 16,
  workers: 4,
  student_width: 1,
  teacher_width: 1,
  optimizer: 'sgd',
  teacher_cache: false,
  teacher_weights: '',
  teacher_backbone_weights: 'imagenet',
  student_backbone_weights: 'imagenet',
};

/**
 * Pascal VOC 2012 for Knowledge Adaptation's VOC numbers (`--set` these over `--profile full`, or
 * `pnpm exp run ablation-ka --profile full --set dataset=voc …`, README): `data` = the VOC2012
 * folder under --data-root (SBD's SegmentationClassAug + train_aug.txt used when present), 21
 * classes, 512×512 crops (DeepLab's 513 rounded to the students' input multiple of 32), 30K
 * iterations (METHODS §4.3; the paper's 300K-iteration COCO pretraining is not reproduced: the
 * trunks start from ImageNet), whole-image evaluation of the val images padded to 32.
 */
export const SEG_FULL_VOC: Partial<SegSweepConfig> = {
  dataset: 'voc',
  data: 'VOCdevkit/VOC2012',
  width: 512,
  height: 512,
  iters: 30000,
  teacher_iters: 30000,
};
