import { UsageError } from '@kd/core';
import { registerModel, type ModelOptions } from '../registry.ts';
import { DeepLabV3Plus } from './deeplabv3plus.ts';
import { FcnMobileNetV2 } from './fcn.ts';

/** Common segmentation options: `numClasses` (default 21, VOC) and `width` (default 1; e.g. 0.25 for CPU runs). */
function segOptions(name: string, o: ModelOptions): { numClasses: number; width: number } {
  const numClasses = o.numClasses ?? 21;
  const width = (o.width as number | undefined) ?? 1;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new UsageError(`${name}: numClasses must be a positive integer, got ${numClasses}`);
  if (typeof width !== 'number' || !(width > 0 && width <= 4)) throw new UsageError(`${name}: width must be a number in (0, 4], got ${String(width)}`);
  return { numClasses, width };
}

for (const os of [8, 16, 32] as const) {
  const name = `fcn-mbv2-os${os}`;
  registerModel(name, (o) => new FcnMobileNetV2(name, o.rng, { ...segOptions(name, o), outputStride: os }), `FCN student: MobileNetV2 trunk, output stride ${os}, 1×1 classifier (options numClasses, width)`);
}
registerModel(
  'deeplabv3plus-r50',
  (o) => {
    const os = (o.outputStride as number | undefined) ?? 16;
    if (os !== 8 && os !== 16) throw new UsageError(`deeplabv3plus-r50: outputStride must be 8 or 16, got ${os}`);
    return new DeepLabV3Plus('deeplabv3plus-r50', o.rng, { ...segOptions('deeplabv3plus-r50', o), outputStride: os });
  },
  'DeepLabV3+ teacher: ResNet-50, ASPP, decoder (options numClasses, width, outputStride 16|8)',
);
