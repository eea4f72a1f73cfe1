import { Registry } from '@kd/core';
import type { BaseModelOptions, ModelOptions } from './define-model.ts';
import { CSNET_MODELS } from './families/csnet/register.ts';
import { SCFNET_MODELS } from './families/scfnet/register.ts';
import { SEG_MODELS } from './families/seg/register.ts';
import { TINY_MODELS } from './families/tiny/register.ts';
import { TORCHVISION_MODELS } from './families/torchvision/register.ts';
import { YOLOX_MODELS } from './families/yolox/register.ts';
import type { KdModel } from './model.ts';

export type { BaseModelOptions, ModelDef, ModelOptions } from './define-model.ts';

/** The typed catalog: one line per family; each family declares its names in its own register.ts. */
export const CATALOG = {
  ...TINY_MODELS,
  ...SCFNET_MODELS,
  ...CSNET_MODELS,
  ...SEG_MODELS,
  ...TORCHVISION_MODELS,
  ...YOLOX_MODELS,
};

export type ModelCatalog = typeof CATALOG;
export type ModelName = keyof ModelCatalog;
/** What `createModel(name)` returns for a literal name (`'yolox-s'` → Yolox). */
export type ModelOf<N extends ModelName> = ReturnType<ModelCatalog[N]['create']>;
/** The options `createModel(name, …)` takes for a literal name. */
export type ModelOptionsOf<N extends ModelName> = { [K in ModelName]: Parameters<ModelCatalog[K]['create']>[0] }[N];

/** Factories receive the options as given; each checks the ones it reads. */
export type ModelFactory = (opts: BaseModelOptions) => KdModel;

/** The run-time table behind `createModel`/`listModels` (descriptions for `--help`). */
export const MODELS = new Registry<ModelFactory>('model');
for (const [name, def] of Object.entries(CATALOG)) MODELS.register(name, def.create, def.description);

/**
 * Builds a registered model by name (timm's create_model). A literal name gives its own type and
 * options (`createModel('yolox-s', { rng, numClasses: 2 })` is a Yolox); a name known only at run
 * time gives the `KdModel` union, narrowed by `task` (a literal name never falls back to it, so its
 * options are checked).
 */
export function createModel<N extends ModelName>(name: N, opts: ModelOptionsOf<N>): ModelOf<N>;
export function createModel<S extends string>(name: S extends ModelName ? never : S, opts: ModelOptions): KdModel;
export function createModel(name: string, opts: BaseModelOptions): KdModel {
  return MODELS.get(name)(opts);
}

/** Registered model names, optionally filtered by glob (`scfnet-*`). */
export function listModels(glob = '*'): string[] {
  return MODELS.list(glob);
}
