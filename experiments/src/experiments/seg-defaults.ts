import type { SegSweepConfig } from '@kd/distill';

/**
 * The quick-profile segmentation setting shared by ablation-bcd, ablation-ka and kd-zoo:
 * a synthetic Cityscapes twin at 128×64, FCN-MobileNetV2 ×0.35 student, DeepLabV3+-R50 ×0.25
 * teacher, Adam. `full` is the CIRKD protocol (docs/methods/README.md#shared-conventions) for GPUs.
 */
export const SEG_QUICK: SegSweepConfig = {
  role: 'student',
  data: 'synthetic',
  width: 128,
  height: 64,
  n_train: 96,
  batch: 8,
  workers: 1,
  student: 'fcn-mbv2-os8',
  student_width: 0.35,
  teacher: 'deeplabv3plus-r50',
  teacher_width: 0.25,
  teacher_epochs: 24,
  epochs: 16,
  optimizer: 'adam',
  lr: 0.002,
  weight_decay: 0,
  teacher_cache: false,
  // Init (docs/weights.md#weights-in-sweeps): teacher trained here from a random init, student random.
  teacher_weights: '',
  teacher_backbone_weights: 'none',
  student_backbone_weights: 'none',
};

export const SEG_FULL: Partial<SegSweepConfig> = {
  data: 'cityscapes',
  width: 1024,
  height: 512,
  batch: 16,
  workers: 4,
  student_width: 1,
  teacher_width: 1,
  teacher_epochs: 200,
  epochs: 200,
  optimizer: 'sgd',
  lr: 0.02,
  weight_decay: 1e-4,
  teacher_cache: true,
};
