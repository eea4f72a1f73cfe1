import { Registry, type DenseModel, type Rng } from '@kd/core';

export interface ModelOptions {
  /** Seeded generator for weight init (required: no hidden randomness). */
  rng: Rng;
  /** Output classes for segmentation models; ignored by SOD models. */
  numClasses?: number;
  [key: string]: unknown;
}

export type ModelFactory = (opts: ModelOptions) => DenseModel;

export const MODELS = new Registry<ModelFactory>('model');

export function registerModel(name: string, factory: ModelFactory, description = ''): void {
  MODELS.register(name, factory, description);
}

/** Builds a registered model by name (timm's create_model). */
export function createModel(name: string, opts: ModelOptions): DenseModel {
  return MODELS.get(name)(opts);
}

/** Registered model names, optionally filtered by glob (`scfnet-*`). */
export function listModels(glob = '*'): string[] {
  return MODELS.list(glob);
}
