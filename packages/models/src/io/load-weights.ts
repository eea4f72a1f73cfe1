import type { DenseModel } from '@kd/nn';
import { MobileNetV2Backbone } from '../families/torchvision/mobilenet-v2-backbone.ts';
import { ResNetBackbone } from '../families/torchvision/resnet-backbone.ts';
import { torchvisionKey } from '../families/torchvision/keymap.ts';
import { isMegviiYolox, megviiYoloxKey } from '../families/yolox/megvii-keymap.ts';
import { Yolox } from '../families/yolox/yolox.ts';
import { loadSafetensors, type LoadReport, type LoadSafetensorsOptions } from './load-safetensors.ts';
import { readSafetensorsKeys } from './safetensors-keys.ts';

/**
 * The key map a weights file for `model` needs: torchvision's for the `resnet*`/`mobilenetv2`
 * backbones, Megvii's for a YOLOX file whose keys are Megvii's, none (kdlab's own names, as
 * `saveModel` and the official CSNet files use) otherwise.
 */
export function keyMapFor(model: DenseModel, fileKeys: Iterable<string>): LoadSafetensorsOptions['mapping'] {
  if (model instanceof ResNetBackbone || model instanceof MobileNetV2Backbone) return torchvisionKey;
  if (model instanceof Yolox && isMegviiYolox(fileKeys)) return megviiYoloxKey;
  return undefined;
}

/** Loads a .safetensors into any registered model through `keyMapFor` (all-or-nothing; see `loadSafetensors`). */
export function loadWeights(model: DenseModel, file: string): LoadReport {
  const keys = readSafetensorsKeys(file);
  return loadSafetensors(model, file, { mapping: keyMapFor(model, keys) });
}
