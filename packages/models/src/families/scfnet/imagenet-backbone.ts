import fs from 'node:fs';
import { DataError } from '@kd/core';
import { loadSafetensors } from '../../io/load-safetensors.ts';
import { sharedWeightsFile } from '../../weights-dir.ts';
import type { Scfnet } from './scfnet.ts';

export const MBV3_IMAGENET_FILE = 'mobilenetv3_large_x0_5_imagenet_paddleocr.safetensors';
export const MBV3_IMAGENET_KEYMAP = 'mobilenetv3_large_x0_5_imagenet_paddleocr.keymap.json';

/**
 * Loads the PaddleOCR ImageNet MobileNetV3-Large ×0.5 weights into `model.bkbone`. The keymap
 * JSON beside the file renames PaddleOCR keys to the PaddleClas names SCFNet uses; keys it leaves
 * unmapped (the unused last 1×1 conv, `backbone.stage3.3.*`) are dropped. Paddle's `_mean`/
 * `_variance` become `running_mean`/`running_var`. All-or-nothing (see `loadSafetensors`).
 */
export function loadMbv3ImagenetBackbone(model: Scfnet, file: string, keymapFile = file.replace(/\.safetensors$/, '.keymap.json')): void {
  let map: Record<string, string>;
  try {
    map = (JSON.parse(fs.readFileSync(keymapFile, 'utf8')) as { map: Record<string, string> }).map;
  } catch (e) {
    throw new DataError(`cannot read the backbone keymap (${(e as Error).message})`, keymapFile);
  }
  loadSafetensors(model, file, { mapping: (k) => (k in map ? `bkbone.${map[k]}` : null), scope: 'bkbone.' });
  model.backboneInit = file;
}

/**
 * Resolves SCFNet-student's `weights` option: 'imagenet' (default) loads the shared ImageNet
 * backbone when the file is present and keeps the random init otherwise; 'none' never loads;
 * any other string is a backbone safetensors path (PaddleOCR names, keymap beside it) that must exist.
 */
export function initMbv3Backbone(model: Scfnet, weights: unknown): void {
  if (weights === 'none') return;
  if (weights === undefined || weights === 'imagenet') {
    const file = sharedWeightsFile(MBV3_IMAGENET_FILE);
    if (fs.existsSync(file)) loadMbv3ImagenetBackbone(model, file, sharedWeightsFile(MBV3_IMAGENET_KEYMAP));
    return;
  }
  if (typeof weights !== 'string') throw new Error(`${model.name}: option 'weights' must be 'imagenet', 'none' or a file path`);
  if (!fs.existsSync(weights)) throw new DataError('backbone weights file not found', weights);
  loadMbv3ImagenetBackbone(model, weights);
}
