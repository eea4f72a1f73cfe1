import fs from 'node:fs';
import { DataError, UsageError } from '@kd/core';
import type { Module } from '@kd/nn';
import { loadSafetensors } from '../../io/load-safetensors.ts';
import { sha256Prefix, type WeightsInit } from '../../io/weights-id.ts';
import { imagenetFile } from '../torchvision/init-weights.ts';
import { torchvisionKey } from '../torchvision/keymap.ts';

/** torchvision file → a segmentation trunk: the classifier, BN counters and MobileNetV2's `features.18` (the 1280 conv DeepLab drops) are not loaded. */
export function segTrunkKey(key: string): string | null {
  if (/^features\.18\./.test(key)) return null;
  return torchvisionKey(key);
}

/**
 * Loads a segmentation model's `weights` option into its trunk `backbone` (a ResNet or MobileNetV2
 * with torchvision's module names): undefined / 'none' keeps the seeded init; 'imagenet' reads
 * `<shared weights>/torchvision/<trunk>.safetensors`; any other string is a torchvision-format
 * .safetensors path. Atrous rates do not change shapes, so the ImageNet file of the plain trunk fits
 * any output stride; the heads (ASPP, decoder, classifier) keep their init. All-or-nothing on the
 * trunk: a mismatch (e.g. `width` ≠ 1) names the first offending keys.
 */
export function initTrunkWeights(
  model: { name: string },
  backbone: Module,
  trunk: 'resnet18' | 'resnet50' | 'resnet101' | 'mobilenetv2',
  weights: unknown,
): WeightsInit {
  if (weights === undefined || weights === 'none') return { policy: 'none' };
  if (typeof weights !== 'string')
    throw new UsageError(`${model.name}: option 'weights' must be 'none', 'imagenet' or a .safetensors path`);
  const file = weights === 'imagenet' ? imagenetFile(trunk) : weights;
  if (!fs.existsSync(file))
    throw new DataError(
      `${model.name}: ${trunk} trunk weights not found (convert torchvision's .pth as docs/weights.md shows)`,
      file,
    );
  loadSafetensors(backbone, file, { mapping: segTrunkKey });
  return { policy: weights === 'imagenet' ? 'imagenet' : 'file', file, sha256: sha256Prefix(file) };
}
