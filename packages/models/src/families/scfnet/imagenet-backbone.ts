import fs from 'node:fs';
import { DataError, UsageError } from '@kd/core';
import { loadSafetensors } from '../../io/load-safetensors.ts';
import { sha256Prefix, type WeightsInit } from '../../io/weights-id.ts';
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
export function loadMbv3ImagenetBackbone(
  model: Scfnet,
  file: string,
  keymapFile = file.replace(/\.safetensors$/, '.keymap.json'),
): void {
  let map: Record<string, string>;
  try {
    map = (JSON.parse(fs.readFileSync(keymapFile, 'utf8')) as { map: Record<string, string> }).map;
  } catch (e) {
    throw new DataError(`cannot read the backbone keymap (${(e as Error).message})`, keymapFile);
  }
  loadSafetensors(model, file, { mapping: (k) => (k in map ? `bkbone.${map[k]}` : null), scope: 'bkbone.' });
}

/**
 * Resolves SCFNet-student's `weights` option and records the outcome in `model.weightsInit`
 * (policy, file, sha256 prefix), so a row can always say how the backbone started:
 * - 'imagenet': the shared ImageNet file, which must exist (a DataError names it);
 * - 'none': the seeded random init, never a file;
 * - any other string: a backbone .safetensors path (PaddleOCR names, keymap beside it) that must exist;
 * - undefined (callers that state nothing, e.g. `exp predict`): 'imagenet' when the shared file
 *   exists, else 'none' — the sweeps never rely on it, they pass `student_backbone_weights`.
 */
export function initMbv3Backbone(model: Scfnet, weights: unknown): WeightsInit {
  const shared = sharedWeightsFile(MBV3_IMAGENET_FILE);
  if (weights === undefined) weights = fs.existsSync(shared) ? 'imagenet' : 'none';
  if (weights === 'none') return (model.weightsInit = { policy: 'none' });
  if (typeof weights !== 'string')
    throw new UsageError(`${model.name}: option 'weights' must be 'imagenet', 'none' or a file path`);
  if (weights === 'imagenet') {
    if (!fs.existsSync(shared))
      throw new DataError(
        `${model.name}: ImageNet backbone weights not found (KD_WEIGHTS_DIR or ../shared/weights; use weights 'none' for a random init)`,
        shared,
      );
    loadMbv3ImagenetBackbone(model, shared, sharedWeightsFile(MBV3_IMAGENET_KEYMAP));
    return (model.weightsInit = { policy: 'imagenet', file: shared, sha256: sha256Prefix(shared) });
  }
  if (!fs.existsSync(weights)) throw new DataError(`${model.name}: backbone weights file not found`, weights);
  loadMbv3ImagenetBackbone(model, weights);
  return (model.weightsInit = { policy: 'file', file: weights, sha256: sha256Prefix(weights) });
}
