/**
 * Official Megvii YOLOX checkpoint key (`yolox_s.pth["model"]`, Megvii-BaseDetection/YOLOX) →
 * kdlab `Yolox` key (mmdet-style names). The trunk keeps its names under one `backbone.` less;
 * Megvii's PAFPN layers and head stems become kdlab's neck; the head's per-kind lists become
 * per-level heads:
 *   backbone.backbone.X          → backbone.X              (stem, dark2…dark5)
 *   backbone.lateral_conv0 / reduce_conv1 → neck.reduce_layers.0 / 1
 *   backbone.C3_p4 / C3_p3       → neck.top_down_blocks.0 / 1
 *   backbone.bu_conv2 / bu_conv1 → neck.downsamples.0 / 1
 *   backbone.C3_n3 / C3_n4       → neck.bottom_up_blocks.0 / 1
 *   head.stems.i                 → neck.out_convs.i
 *   head.{cls,reg}_convs.i.j     → bbox_head.i.{cls,reg}_convs.j
 *   head.{cls,reg,obj}_preds.i   → bbox_head.i.conv_{cls,reg,obj}
 * BN `num_batches_tracked` is dropped (null); anything else passes through unchanged (and is
 * then reported as not in the model).
 */
const RULES: [RegExp, string][] = [
  [/^backbone\.backbone\./, 'backbone.'],
  [/^backbone\.lateral_conv0\./, 'neck.reduce_layers.0.'],
  [/^backbone\.reduce_conv1\./, 'neck.reduce_layers.1.'],
  [/^backbone\.C3_p4\./, 'neck.top_down_blocks.0.'],
  [/^backbone\.C3_p3\./, 'neck.top_down_blocks.1.'],
  [/^backbone\.bu_conv2\./, 'neck.downsamples.0.'],
  [/^backbone\.bu_conv1\./, 'neck.downsamples.1.'],
  [/^backbone\.C3_n3\./, 'neck.bottom_up_blocks.0.'],
  [/^backbone\.C3_n4\./, 'neck.bottom_up_blocks.1.'],
  [/^head\.stems\.(\d+)\./, 'neck.out_convs.$1.'],
  [/^head\.(cls|reg)_convs\.(\d+)\.(\d+)\./, 'bbox_head.$2.$1_convs.$3.'],
  [/^head\.(cls|reg|obj)_preds\.(\d+)\./, 'bbox_head.$2.conv_$1.'],
];

export function megviiYoloxKey(key: string): string | null {
  if (key.endsWith('.num_batches_tracked')) return null;
  for (const [re, to] of RULES) if (re.test(key)) return key.replace(re, to);
  return key;
}

/** True when a checkpoint's keys are Megvii's (its trunk sits at `backbone.backbone.`). */
export function isMegviiYolox(keys: Iterable<string>): boolean {
  for (const k of keys) if (k.startsWith('backbone.backbone.')) return true;
  return false;
}
