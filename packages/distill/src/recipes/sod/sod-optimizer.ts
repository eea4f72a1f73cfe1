import fs from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { DataError, UsageError } from '@kd/core';
import {
  imagenetFile,
  loadSafetensors,
  sha256Prefix,
  torchvisionKey,
  type KdModel,
  type WeightsInit,
} from '@kd/models';
import { BatchNorm2d, type Module } from '@kd/nn';
import type { OptimizerSpec } from '../../optimizer.ts';
import type { SodRecipeKeys } from './sod-recipe-keys.ts';

/** SCFNet's trunk (`bkbone`), or null for families without one. */
const backboneOf = (model: KdModel): Module | null => (model as unknown as { bkbone?: Module }).bkbone ?? null;

/**
 * The optimizer of one SOD training from the recipe keys. `adam`: Adam (β2 from `betas`) at a
 * constant `lr`, or with `adam_schedule: 'cosine'` on KD-SCFNet's warm-up + cosine lr (below). `sgd`: KD-SCFNet's Paddle Momentum (METHODS §1.3) — velocity v ← m·v + (g + wd·θ),
 * θ ← θ − lr_t·mult·v with m = `momentum`, coupled L2 `weight_decay` on every parameter but the
 * backbone's BN γ/β (their own L2Decay(0)), mult = `backbone_lr_mult` on the backbone (SCFNet's
 * `bkbone`) and 1 elsewhere; lr_t warms up linearly from min_lr_ratio·lr to lr over
 * `warmup_epochs`·stepsPerEpoch steps, then follows a cosine to min_lr_ratio·lr at the last step.
 */
export function sodOptimizer(
  model: KdModel,
  keys: SodRecipeKeys,
  lr: number,
  stepsPerEpoch: number,
  betas?: [number, number],
): OptimizerSpec {
  const warmupCosine = {
    schedule: 'cosine' as const,
    warmupSteps: keys.warmup_epochs * stepsPerEpoch,
    warmupFrom: keys.min_lr_ratio,
    floor: keys.min_lr_ratio,
  };
  if (keys.optimizer === 'adam')
    return { kind: 'adam', lr, betas, ...(keys.adam_schedule === 'cosine' ? warmupCosine : {}) };
  const backbone = backboneOf(model);
  const inBackbone = new Set<tf.Variable>(backbone ? backbone.namedParameters().map(([, v]) => v) : []);
  const backboneBn = new Set<tf.Variable>();
  if (backbone)
    for (const [, m] of backbone.modules())
      if (m instanceof BatchNorm2d) for (const [, v] of m.namedParameters()) backboneBn.add(v);
  const mult = keys.backbone_lr_mult;
  return {
    kind: 'sgd',
    lr,
    momentum: keys.momentum,
    weightDecay: keys.weight_decay,
    decayed: (v) => !backboneBn.has(v),
    lrScale: mult === 1 ? undefined : (v) => (inBackbone.has(v) ? mult : 1),
    ...warmupCosine,
  };
}

/**
 * Starts SCFNet-R50's trunk from torchvision-format ResNet-50 weights: `imagenet` =
 * `<shared weights>/torchvision/resnet50.safetensors` (docs/weights.md shows the conversion), any
 * other value a .safetensors path; all-or-nothing on `bkbone.` (a width ≠ 1 names the first
 * mismatching keys). `none` keeps the seeded init. The paper's teacher starts from Paddle's
 * `resnet50(True)`, another ImageNet training of the same architecture.
 */
export function initScfnetR50Backbone(model: KdModel, value: string, key: string): WeightsInit {
  if (value === 'none') return { policy: 'none' };
  const backbone = backboneOf(model);
  if (!backbone || model.name !== 'scfnet-r50')
    throw new UsageError(`${key}=${value}: only scfnet-r50 takes ResNet-50 trunk weights (got '${model.name}')`);
  const file = value === 'imagenet' ? imagenetFile('resnet50') : value;
  if (!fs.existsSync(file))
    throw new DataError(
      `${key}: ResNet-50 weights not found (convert torchvision's .pth as docs/weights.md shows)`,
      file,
    );
  loadSafetensors(backbone, file, { mapping: torchvisionKey });
  return { policy: value === 'imagenet' ? 'imagenet' : 'file', file, sha256: sha256Prefix(file) };
}
