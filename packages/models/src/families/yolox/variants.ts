/**
 * YOLOX size variants (Megvii `exps/default/yolox_*.py`, mmdet `yolox_*_8x8_300e_coco.py`):
 * depth and width multipliers, depthwise 3×3 convs (nano only). Neck/head width = ⌊256·width⌋.
 * Published parameter counts at 80 classes: nano 0.91M, tiny 5.06M, s 9.0M, l 54.2M.
 */
export interface YoloxVariant {
  depth: number;
  width: number;
  depthwise: boolean;
}

export const YOLOX_VARIANTS = {
  nano: { depth: 0.33, width: 0.25, depthwise: true },
  tiny: { depth: 0.33, width: 0.375, depthwise: false },
  s: { depth: 0.33, width: 0.5, depthwise: false },
  m: { depth: 0.67, width: 0.75, depthwise: false },
  l: { depth: 1.0, width: 1.0, depthwise: false },
} as const satisfies Record<string, YoloxVariant>;

export type YoloxVariantName = keyof typeof YOLOX_VARIANTS;

/** The strides of the three output levels. */
export const YOLOX_STRIDES = [8, 16, 32] as const;
