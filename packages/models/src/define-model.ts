import type { Rng } from '@kd/core';
import type { KdModel } from './model.ts';

/** Options every model takes. */
export interface BaseModelOptions {
  /** Seeded generator for weight init (required: no hidden randomness). */
  rng: Rng;
  /**
   * Pretrained init for the families that have one: 'none', 'imagenet' or a .safetensors path
   * (see each family's description); the others ignore it.
   */
  weights?: string;
}

/**
 * Options for a name only known at run time (a flag, a config value, a saved topology): each
 * factory checks the ones it reads and throws a UsageError naming the model and the option.
 */
export interface ModelOptions extends BaseModelOptions {
  /** Output classes for segmentation and detection models; ignored by the others. */
  numClasses?: number;
  [key: string]: unknown;
}

/** One registered name: its description (`kd predict --help`) and a typed factory. */
export interface ModelDef<O extends object, M extends KdModel> {
  readonly description: string;
  readonly create: (opts: BaseModelOptions & O) => M;
}

/**
 * Declares one model name. `O` is the name's own options (beside `rng` and `weights`), `M` the
 * type `createModel` returns for it; both flow into the typed catalog (registry.ts).
 */
export function defineModel<O extends object, M extends KdModel>(
  description: string,
  create: (opts: BaseModelOptions & O) => M,
): ModelDef<O, M> {
  return { description, create };
}

/** Declares a family's variants: one definition per name, in the order of `names`. */
export function defineModels<N extends string, O extends object, M extends KdModel>(
  names: readonly N[],
  def: (name: N, index: number) => ModelDef<O, M>,
): Record<N, ModelDef<O, M>> {
  const out: Partial<Record<N, ModelDef<O, M>>> = {};
  names.forEach((n, i) => (out[n] = def(n, i)));
  return out as Record<N, ModelDef<O, M>>;
}
