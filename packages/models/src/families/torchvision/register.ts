import { UsageError } from '@kd/core';
import { defineModel, defineModels } from '../../define-model.ts';
import { initTorchvisionWeights } from './init-weights.ts';
import { MobileNetV2Backbone } from './mobilenet-v2-backbone.ts';
import { RESNET_DEPTHS, ResNetBackbone, type ResNetName } from './resnet-backbone.ts';

/** Loads `weights` into a fresh model; on failure disposes it (no leaked variables) and rethrows. */
function withWeights<M extends ResNetBackbone | MobileNetV2Backbone>(m: M, weights: unknown): M {
  try {
    m.weightsInit = initTorchvisionWeights(m, weights);
    return m;
  } catch (e) {
    m.dispose();
    throw e;
  }
}

/** `width` (default 1, the real net; smaller for CPU-sized tests). */
export interface BackboneBuildOptions {
  width?: number;
}

function widthOf(name: string, o: BackboneBuildOptions): number {
  const width = o.width ?? 1;
  if (typeof width !== 'number' || !(width > 0 && width <= 4))
    throw new UsageError(`${name}: width must be a number in (0, 4], got ${String(width)}`);
  return width;
}

/**
 * torchvision backbones as registered models: `resnet18`, `resnet50`, `resnet101` (taps
 * `layer1`…`layer4`) and `mobilenetv2` (taps `features.1/3/6/13/17/18`). Options: `width`
 * (default 1, the real net; smaller for CPU-sized tests) and `weights` ('none' default,
 * 'imagenet', or a torchvision-format .safetensors path).
 */
export const TORCHVISION_MODELS = {
  ...defineModels(Object.keys(RESNET_DEPTHS) as ResNetName[], (name) =>
    defineModel<BackboneBuildOptions, ResNetBackbone>(
      `torchvision ${name} trunk (no fc); taps layer1…layer4; options width, weights none|imagenet|FILE`,
      (o) => withWeights(new ResNetBackbone(name, o.rng, widthOf(name, o)), o.weights),
    ),
  ),
  mobilenetv2: defineModel<BackboneBuildOptions, MobileNetV2Backbone>(
    'torchvision MobileNetV2 features (no classifier); taps features.1/3/6/13/17/18; options width, weights none|imagenet|FILE',
    (o) => withWeights(new MobileNetV2Backbone('mobilenetv2', o.rng, widthOf('mobilenetv2', o)), o.weights),
  ),
};
