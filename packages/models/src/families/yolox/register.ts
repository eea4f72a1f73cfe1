import { registerModel } from '../registry.ts';
import { Yolox } from './yolox.ts';
import { YOLOX_VARIANTS, type YoloxVariantName } from './variants.ts';

/**
 * `yolox-nano`, `yolox-tiny`, `yolox-s`, `yolox-m`, `yolox-l`. Options: `numClasses` (default 80),
 * and `depth`, `width`, `depthwise` to override the variant's multipliers (e.g. CPU-sized runs).
 */
for (const [v, spec] of Object.entries(YOLOX_VARIANTS) as [YoloxVariantName, (typeof YOLOX_VARIANTS)[YoloxVariantName]][]) {
  const name = `yolox-${v}`;
  registerModel(
    name,
    ({ rng, numClasses, depth, width, depthwise }) =>
      new Yolox(name, rng, {
        numClasses: numClasses ?? 80,
        depth: typeof depth === 'number' ? depth : spec.depth,
        width: typeof width === 'number' ? width : spec.width,
        depthwise: typeof depthwise === 'boolean' ? depthwise : spec.depthwise,
      }),
    `YOLOX-${v} detector (depth ${spec.depth}, width ${spec.width}${spec.depthwise ? ', depthwise' : ''}); head maps at strides 8/16/32, taps neck.p3/p4/p5`,
  );
}

// The package index imports this one file, which registers the variants and exports the API.
export * from './index.ts';
