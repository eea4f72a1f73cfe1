import { UsageError } from '@kd/core';
import { defineModel, defineModels } from '../../define-model.ts';
import type { ResNetName } from '../torchvision/resnet-backbone.ts';
import { initTrunkWeights } from './backbone-weights.ts';
import { DeepLabV3 } from './deeplabv3.ts';
import { DeepLabV3Plus } from './deeplabv3plus.ts';
import { FcnMobileNetV2 } from './fcn.ts';

/**
 * Common segmentation options: `numClasses` (default 21, VOC), `width` (default 1; e.g. 0.25 for
 * CPU runs) and `weights` for the trunk (none | imagenet | a torchvision .safetensors; see
 * `initTrunkWeights`).
 */
export interface SegBuildOptions {
  numClasses?: number;
  width?: number;
  weights?: string;
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

/** Builds `m`, then loads the trunk weights; on failure disposes it (no leaked variables) and rethrows. */
function withTrunkWeights<M extends DeepLabV3 | DeepLabV3Plus | FcnMobileNetV2>(
  m: M,
  trunk: ResNetName | 'mobilenetv2',
  weights: unknown,
): M {
  try {
    m.weightsInit = initTrunkWeights(m, m.backbone, trunk, weights);
    return m;
  } catch (e) {
    m.dispose();
    throw e;
  }
}

function strideOf<S extends number>(name: string, os: unknown, allowed: readonly S[], dflt: S): S {
  const v = os ?? dflt;
  if (!allowed.includes(v as S))
    throw new UsageError(`${name}: outputStride must be ${allowed.join(' or ')}, got ${String(os)}`);
  return v as S;
}

const FCN_NAMES = ['fcn-mbv2-os8', 'fcn-mbv2-os16', 'fcn-mbv2-os32'] as const;
const FCN_STRIDES = { 'fcn-mbv2-os8': 8, 'fcn-mbv2-os16': 16, 'fcn-mbv2-os32': 32 } as const;
const V3P_TRUNKS = { 'deeplabv3plus-r50': 'resnet50', 'deeplabv3plus-r101': 'resnet101' } as const;
const V3_TRUNKS = { 'deeplabv3-r18': 'resnet18', 'deeplabv3-r50': 'resnet50', 'deeplabv3-r101': 'resnet101' } as const;

export const SEG_MODELS = {
  ...defineModels(FCN_NAMES, (name) =>
    defineModel<SegBuildOptions, FcnMobileNetV2>(
      `FCN student: MobileNetV2 trunk, output stride ${FCN_STRIDES[name]}, 1×1 classifier (options numClasses, width, weights none|imagenet|FILE)`,
      (o) =>
        withTrunkWeights(
          new FcnMobileNetV2(name, o.rng, { ...segOptions(name, o), outputStride: FCN_STRIDES[name] }),
          'mobilenetv2',
          o.weights,
        ),
    ),
  ),
  ...defineModels(Object.keys(V3P_TRUNKS) as (keyof typeof V3P_TRUNKS)[], (name) =>
    defineModel<SegBuildOptions & { outputStride?: 8 | 16 }, DeepLabV3Plus>(
      `DeepLabV3+ teacher: ${V3P_TRUNKS[name]} trunk, ASPP, decoder (options numClasses, width, outputStride 16|8, weights none|imagenet|FILE)`,
      (o) =>
        withTrunkWeights(
          new DeepLabV3Plus(name, o.rng, {
            ...segOptions(name, o),
            outputStride: strideOf(name, o.outputStride, [8, 16] as const, 16),
            trunk: V3P_TRUNKS[name],
          }),
          V3P_TRUNKS[name],
          o.weights,
        ),
    ),
  ),
  ...defineModels(Object.keys(V3_TRUNKS) as (keyof typeof V3_TRUNKS)[], (name) =>
    defineModel<SegBuildOptions & { outputStride?: 8 | 16 }, DeepLabV3>(
      `DeepLabV3 (CIRKD pair): ${V3_TRUNKS[name]} trunk, ASPP, 3×3 head, no decoder (options numClasses, width, outputStride 8|16, weights none|imagenet|FILE)`,
      (o) =>
        withTrunkWeights(
          new DeepLabV3(name, o.rng, {
            ...segOptions(name, o),
            outputStride: strideOf(name, o.outputStride, [8, 16] as const, 8),
            trunk: V3_TRUNKS[name],
          }),
          V3_TRUNKS[name],
          o.weights,
        ),
    ),
  ),
};
