/**
 * torchvision state_dict key → kdlab key for the `resnet*` and `mobilenetv2` backbones. The
 * backbones use torchvision's own module names, so keys map to themselves; the classifier
 * (`fc.*`, `classifier.*`) and BN's `num_batches_tracked` counters are dropped (null).
 */
export function torchvisionKey(key: string): string | null {
  if (/^(fc|classifier)\./.test(key) || key.endsWith('.num_batches_tracked')) return null;
  return key;
}
