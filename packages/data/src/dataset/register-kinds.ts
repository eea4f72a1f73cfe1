import { registerDatasetKind } from './dataset-kind.ts';
import { autoSodKind } from '../sod/detect-layout.ts';
import { kdscfnetSodKind } from '../sod/kdscfnet-layout.ts';
import { csnetSodKind } from '../sod/csnet-layout.ts';
import { unlabeledSodKind } from '../sod/unlabeled.ts';
import { cityscapesKind } from '../seg/cityscapes.ts';
import { vocSegAugKind, vocSegKind } from '../seg/voc-seg.ts';
import { vocDetKind } from '../det/voc-det.ts';
import { cocoDetKind } from '../det/coco-json.ts';

/** Every dataset kind, registered once on import of the package. */
for (const k of [
  autoSodKind,
  kdscfnetSodKind,
  csnetSodKind,
  unlabeledSodKind,
  cityscapesKind,
  vocSegKind,
  vocSegAugKind,
  vocDetKind,
  cocoDetKind,
]) {
  registerDatasetKind(k);
}
