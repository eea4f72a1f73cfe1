import { defineModel, defineModels } from '../../define-model.ts';
import { Yolox } from './yolox.ts';
import { YOLOX_VARIANTS, type YoloxVariantName } from './variants.ts';

/** `numClasses` (default 80), and `depth`, `width`, `depthwise` to override the variant's multipliers (e.g. CPU-sized runs). */
export interface YoloxBuildOptions {
  numClasses?: number;
  depth?: number;
  width?: number;
  depthwise?: boolean;
}

const VARIANTS = Object.keys(YOLOX_VARIANTS) as YoloxVariantName[];
const yoloxName = (v: YoloxVariantName) => `yolox-${v}` as const;

/** `yolox-nano`, `yolox-tiny`, `yolox-s`, `yolox-m`, `yolox-l`. */
export const YOLOX_MODELS = defineModels(VARIANTS.map(yoloxName), (name, i) => {
  const v = VARIANTS[i];
  const spec = YOLOX_VARIANTS[v];
  return defineModel<YoloxBuildOptions, Yolox>(
    `YOLOX-${v} detector (depth ${spec.depth}, width ${spec.width}${spec.depthwise ? ', depthwise' : ''}); head maps at strides 8/16/32, taps neck.p3/p4/p5`,
    ({ rng, numClasses, depth, width, depthwise }) =>
      new Yolox(name, rng, {
        numClasses: numClasses ?? 80,
        depth: typeof depth === 'number' ? depth : spec.depth,
        width: typeof width === 'number' ? width : spec.width,
        depthwise: typeof depthwise === 'boolean' ? depthwise : spec.depthwise,
      }),
  );
});

// The package index imports this one file, which declares the variants and exports the API.
export * from './index.ts';
