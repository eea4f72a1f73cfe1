import fs from 'node:fs';
import { DataError, UsageError } from '@kd/core';
import type { Module } from '@kd/nn';
import { loadSafetensors } from '../../io/load-safetensors.ts';
import { sha256Prefix, type WeightsInit } from '../../io/weights-id.ts';
import { sharedWeightsFile } from '../../weights-dir.ts';
import { torchvisionKey } from './keymap.ts';

/** Where `weights: 'imagenet'` looks: `<shared weights>/torchvision/<model>.safetensors`. */
export function imagenetFile(model: string): string {
  return sharedWeightsFile(`torchvision/${model}.safetensors`);
}

/**
 * Resolves a torchvision backbone's `weights` option: undefined or 'none' keeps the seeded random
 * init; 'imagenet' loads `imagenetFile(name)` (must exist); any other string is a .safetensors
 * path in torchvision's state_dict format (see docs/weights.md). All-or-nothing, and a mismatch
 * names the first offending keys (see `loadSafetensors`). Returns the policy, the file and its
 * sha256 prefix (the provenance a result row records).
 */
export function initTorchvisionWeights(model: Module & { name: string }, weights: unknown): WeightsInit {
  if (weights === undefined || weights === 'none') return { policy: 'none' };
  if (typeof weights !== 'string')
    throw new UsageError(`${model.name}: option 'weights' must be 'none', 'imagenet' or a .safetensors path`);
  const file = weights === 'imagenet' ? imagenetFile(model.name) : weights;
  if (!fs.existsSync(file))
    throw new DataError(`${model.name} weights not found (convert torchvision's .pth as docs/weights.md shows)`, file);
  loadSafetensors(model, file, { mapping: torchvisionKey });
  return { policy: weights === 'imagenet' ? 'imagenet' : 'file', file, sha256: sha256Prefix(file) };
}
