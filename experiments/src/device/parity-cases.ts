/**
 * One training-parity case per model family for the device check (scripts/device-check.sh):
 * the same small configurations, learning rates and BN modes as the cpu-vs-wasm parity test
 * (packages/models/src/train-backends.test.ts), minus the cases that need ../shared weights.
 * `FAMILIES` maps every registered model to the family whose case covers it; the device check
 * reports registered models missing here, so the two lists cannot drift apart unnoticed.
 */
export interface ParityCase {
  model: string;
  opts?: Record<string, unknown>;
  lr: number;
  /** `init`: BN statistics as built (identity); `calibrated`: one train-mode forward's statistics, computed on cpu and loaded into both backends' models. */
  bn: 'init' | 'calibrated';
  /** `dense`: MSE per output against input-derived maps (detectors' head levels, backbones' stages); default: the task loss of the first output. */
  target?: 'dense';
}

const SEG = { width: 0.25, numClasses: 5 };

export const PARITY_CASES: ParityCase[] = [
  { model: 'tinysod-s', lr: 0.1, bn: 'calibrated' },
  { model: 'scfnet-mbv3-x0.5', opts: { weights: 'none' }, lr: 0.3, bn: 'calibrated' },
  { model: 'scfnet-r50', opts: { backboneWidth: 0.125, channels: 8 }, lr: 2e-4, bn: 'init' },
  { model: 'deeplabv3plus-r50', opts: { width: 0.125, numClasses: 3, outputStride: 16 }, lr: 3e-4, bn: 'init' },
  { model: 'deeplabv3-r18', opts: { width: 0.125, numClasses: 3 }, lr: 3e-4, bn: 'init' },
  { model: 'fcn-mbv2-os8', opts: SEG, lr: 5e-3, bn: 'init' },
  { model: 'csnet-x1-base', lr: 1e-3, bn: 'calibrated' },
  { model: 'yolox-nano', opts: { numClasses: 2 }, lr: 0.1, bn: 'init', target: 'dense' },
  { model: 'yolox-tiny', opts: { numClasses: 2, width: 0.125 }, lr: 0.1, bn: 'init', target: 'dense' },
  { model: 'resnet18', opts: { width: 0.125 }, lr: 0.05, bn: 'init', target: 'dense' },
  { model: 'resnet50', opts: { width: 0.125 }, lr: 5e-4, bn: 'init', target: 'dense' },
  { model: 'mobilenetv2', opts: { width: 0.25 }, lr: 0.05, bn: 'init', target: 'dense' },
];

/** Registered model → the case (by model name) that covers its family. */
export const FAMILIES: Record<string, string[]> = {
  'tinysod-s': ['tinysod-s', 'tinysod-l'],
  'scfnet-mbv3-x0.5': ['scfnet-mbv3-x0.5'],
  'scfnet-r50': ['scfnet-r50'],
  'deeplabv3plus-r50': ['deeplabv3plus-r50', 'deeplabv3plus-r101'],
  'deeplabv3-r18': ['deeplabv3-r18', 'deeplabv3-r50', 'deeplabv3-r101'],
  'fcn-mbv2-os8': ['fcn-mbv2-os8', 'fcn-mbv2-os16', 'fcn-mbv2-os32'],
  'csnet-x1-base': ['csnet-x1-base', 'csnet-x2-base', 'csnet-l-x1', 'csnet-l-x2'],
  'yolox-nano': ['yolox-nano'],
  'yolox-tiny': ['yolox-tiny', 'yolox-s', 'yolox-m', 'yolox-l'],
  resnet18: ['resnet18'],
  resnet50: ['resnet50', 'resnet101'],
  mobilenetv2: ['mobilenetv2'],
};

/** The models timed on webgpu and wasm: the KD-SCFNet student, CSNet-L ×1 and FCN-MobileNetV2 (os 8). */
export const TIMED_MODELS = ['scfnet-mbv3-x0.5', 'csnet-l-x1', 'fcn-mbv2-os8'];
