import fs from 'node:fs';
import { DataError, UsageError } from '@kd/core';
import { createModel, type KdModel, type ModelOptions, type WeightsInit } from '@kd/models';

/** Families whose factory reads the `weights` option (named in the error for the others). */
const WITH_WEIGHTS = 'resnet18/50/101, mobilenetv2, scfnet-mbv3-x0.5, fcn-mbv2-*, deeplabv3-*, deeplabv3plus-*';

/**
 * Builds `name` with a sweep's pretrained-weights value (`key` = the config key it came from:
 * `student_backbone_weights` or `teacher_backbone_weights`) passed as the model's `weights` option:
 * `none` (seeded random init, every family), `imagenet` or a `.safetensors` path (only the families
 * that record a `weightsInit`). A missing file names the key and the path; a family that ignores
 * the option is a UsageError naming the key and the model; a file the family refuses (keys or
 * shapes: the first three mismatches) is rethrown with the key in front. Returns the model and how it started.
 */
export function createWithWeights(
  name: string,
  opts: ModelOptions,
  value: string,
  key: string,
): { model: KdModel; init: WeightsInit } {
  if (typeof value !== 'string' || value === '')
    throw new UsageError(`${key} must be imagenet, none or a .safetensors path, got '${String(value)}'`);
  if (value !== 'none' && value !== 'imagenet' && !fs.existsSync(value))
    throw new UsageError(`${key}: weights file not found: ${value}`);
  let model: KdModel;
  try {
    model = createModel(name, { ...opts, weights: value });
  } catch (e) {
    if (e instanceof DataError) throw new DataError(`${key}=${value} (model '${name}'): ${e.message}`);
    throw e;
  }
  const init = (model as KdModel & { weightsInit?: WeightsInit }).weightsInit ?? { policy: 'none' };
  if (value !== 'none' && init.policy === 'none') {
    model.dispose();
    throw new UsageError(
      `${key}=${value}: model '${name}' takes no pretrained weights (families with a weights option: ${WITH_WEIGHTS}); use ${key}=none`,
    );
  }
  return { model, init };
}
