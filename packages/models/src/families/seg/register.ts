import { UsageError } from '@kd/core';
import { defineModel, defineModels } from '../../define-model.ts';
import { DeepLabV3Plus } from './deeplabv3plus.ts';
import { FcnMobileNetV2 } from './fcn.ts';

/** Common segmentation options: `numClasses` (default 21, VOC) and `width` (default 1; e.g. 0.25 for CPU runs). */
export interface SegBuildOptions {
  numClasses?: number;
  width?: number;
}

function segOptions(name: string, o: SegBuildOptions): { numClasses: number; width: number } {
  const numClasses = o.numClasses ?? 21;
  const width = o.width ?? 1;
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new UsageError(`${name}: numClasses must be a positive integer, got ${numClasses}`);
  if (typeof width !== 'number' || !(width > 0 && width <= 4))
    throw new UsageError(`${name}: width must be a number in (0, 4], got ${String(width)}`);
  return { numClasses, width };
}

const FCN_NAMES = ['fcn-mbv2-os8', 'fcn-mbv2-os16', 'fcn-mbv2-os32'] as const;
const FCN_STRIDES = { 'fcn-mbv2-os8': 8, 'fcn-mbv2-os16': 16, 'fcn-mbv2-os32': 32 } as const;

export const SEG_MODELS = {
  ...defineModels(FCN_NAMES, (name) =>
    defineModel<SegBuildOptions, FcnMobileNetV2>(
      `FCN student: MobileNetV2 trunk, output stride ${FCN_STRIDES[name]}, 1×1 classifier (options numClasses, width)`,
      (o) => new FcnMobileNetV2(name, o.rng, { ...segOptions(name, o), outputStride: FCN_STRIDES[name] }),
    ),
  ),
  'deeplabv3plus-r50': defineModel<SegBuildOptions & { outputStride?: 8 | 16 }, DeepLabV3Plus>(
    'DeepLabV3+ teacher: ResNet-50, ASPP, decoder (options numClasses, width, outputStride 16|8)',
    (o) => {
      const os = o.outputStride ?? 16;
      if (os !== 8 && os !== 16)
        throw new UsageError(`deeplabv3plus-r50: outputStride must be 8 or 16, got ${String(os)}`);
      return new DeepLabV3Plus('deeplabv3plus-r50', o.rng, { ...segOptions('deeplabv3plus-r50', o), outputStride: os });
    },
  ),
};
