export * from './families/yolox/register.ts';

export * from './registry.ts';
export * from './model.ts';
export { defineModel, defineModels } from './define-model.ts';
export type { SegBuildOptions } from './families/seg/register.ts';
export type { BackboneBuildOptions } from './families/torchvision/register.ts';
export type { CsnetBuildOptions } from './families/csnet/register.ts';
export type { YoloxBuildOptions } from './families/yolox/register.ts';
export { TinySod } from './families/tiny/tiny-sod.ts';
export { Scfnet, type ScfnetOptions, type ScfnetBackbone } from './families/scfnet/scfnet.ts';
export { loadMbv3ImagenetBackbone } from './families/scfnet/imagenet-backbone.ts';
export { MobileNetV3Large, makeDivisible } from './backbones/mobilenet-v3.ts';
export { ResNet, type ResNetOptions } from './backbones/resnet.ts';
export { PReLU } from './layers/prelu.ts';
export {
  loadSafetensors,
  toModelLayout,
  checkKeys,
  type LoadSafetensorsOptions,
  type LoadReport,
} from './io/load-safetensors.ts';
export { matchKeys, layoutRule, type KeyMatch, type LayoutRule } from './io/match-keys.ts';
export {
  parseSafetensors,
  readSafetensors,
  encodeSafetensors,
  type SafeTensor,
  type SafetensorsFile,
} from './io/safetensors.ts';
export { sharedWeightsDir, sharedWeightsFile } from './weights-dir.ts';
export { Csnet } from './families/csnet/csnet.ts';
export { CSNET_L_X1, CSNET_L_X2, DILATIONS, baseConfig, type CsnetConfig } from './families/csnet/config.ts';
export { prune } from './families/csnet/prune.ts';
export { FcnMobileNetV2, type FcnOptions } from './families/seg/fcn.ts';
export { DeepLabV3Plus, type DeepLabV3PlusOptions } from './families/seg/deeplabv3plus.ts';
export { MobileNetV2, type MobileNetV2Options } from './backbones/mobilenet-v2.ts';
export { countModel, type ModelCount } from './count.ts';
export { saveModel, loadModel, MODEL_FORMAT, type SavedTopology } from './io/save-model.ts';
export {
  graphModelArtifacts,
  writeGraphModel,
  loadGraphArtifacts,
  graphModelJson,
  type GraphModelArtifacts,
  type ExportMetadata,
} from './io/tfjs-export/index.ts';
export { InferenceGraph, foldBatchNorm, type InferenceGraphOptions } from './fold/index.ts';
export { prepareImage, type PreparedImage } from './preprocess.ts';
export { collectDwdPairs, type DwdPair } from './families/csnet/dwd-pairs.ts';
export { ResNetBackbone, RESNET_DEPTHS, type ResNetName } from './families/torchvision/resnet-backbone.ts';
export { MobileNetV2Backbone, MBV2_TAPS } from './families/torchvision/mobilenet-v2-backbone.ts';
export { torchvisionKey } from './families/torchvision/keymap.ts';
export { initTorchvisionWeights, imagenetFile } from './families/torchvision/init-weights.ts';
export { hashStateDict, hashTensor } from './families/torchvision/testing/hash-weights.ts';
export { loadWeights, keyMapFor } from './io/load-weights.ts';
export { readSafetensorsKeys } from './io/safetensors-keys.ts';
export { megviiYoloxKey, isMegviiYolox } from './families/yolox/megvii-keymap.ts';
export { sha256Prefix, weightsInitCell, type WeightsInit } from './io/weights-id.ts';
