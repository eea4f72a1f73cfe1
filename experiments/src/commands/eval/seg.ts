import type { CommandModule } from 'yargs';
import { DataError, UsageError, parseIntFlag } from '@kd/core';
import { readIndexPng } from '@kd/data';
import { SegEvaluator, cityscapesLabelIdsToTrainIds, toMetricJson } from '@kd/bench';
import { userPath } from '../../paths.ts';
import { pairByName } from './pair-by-name.ts';

interface Args {
  pred: string;
  gt: string;
  'num-classes': string;
  'ignore-index': string;
  'cityscapes-labelids': boolean;
}

/**
 * `pnpm exp eval seg --pred DIR --gt DIR --num-classes N [--ignore-index 255] [--cityscapes-labelids]`
 * JSON on stdout: IoU, mIoU, Acc, mAcc, Dice, mDice, aAcc (fractions; per-class arrays with null
 * where undefined), confusion_matrix ([gt][pred]), out_of_range_pred, num_images.
 * Label maps are PNGs read as raw values: palette indices for P-mode files, grey values for
 * single-channel ones (RGB label images are refused). With --cityscapes-labelids both maps go
 * through the official labelId → trainId table first (then N must be 19). Sizes must match.
 */
export const evalSegCommand: CommandModule<object, Args> = {
  command: 'seg',
  describe: 'Score label maps: mIoU etc. from one dataset confusion matrix (mmseg conventions)',
  builder: (y) =>
    y
      .option('pred', { type: 'string', demandOption: true, describe: 'folder of predicted label PNGs' })
      .option('gt', { type: 'string', demandOption: true, describe: 'folder of gt label PNGs' })
      .option('num-classes', { type: 'string', demandOption: true, describe: 'number of classes C' })
      .option('ignore-index', { type: 'string', default: '255', describe: 'gt value to drop' })
      .option('cityscapes-labelids', {
        type: 'boolean',
        default: false,
        describe: 'map labelIds → trainIds first',
      }) as never,
  handler: async (args) => {
    const numClasses = parseIntFlag('--num-classes', args['num-classes'], { min: 1 });
    const ignoreIndex = parseIntFlag('--ignore-index', args['ignore-index']);
    if (args['cityscapes-labelids'] && numClasses !== 19)
      throw new UsageError(`--num-classes: Cityscapes trainIds have 19 classes, got ${numClasses}`);
    const pairs = pairByName(userPath(args.pred), userPath(args.gt), ['png']);
    const ev = new SegEvaluator({ numClasses, ignoreIndex });
    for (const p of pairs) {
      const pred = readIndexPng(p.pred),
        gt = readIndexPng(p.gt);
      if (pred.width !== gt.width || pred.height !== gt.height) {
        throw new DataError(
          `prediction is ${pred.width}×${pred.height} but gt is ${gt.width}×${gt.height} (label maps are not resized)`,
          p.pred,
        );
      }
      const pv = args['cityscapes-labelids'] ? cityscapesLabelIdsToTrainIds(pred.data, p.pred) : pred.data;
      const gv = args['cityscapes-labelids'] ? cityscapesLabelIdsToTrainIds(gt.data, p.gt) : gt.data;
      ev.add(pv, gv, p.gt);
    }
    console.log(toMetricJson(ev.summary()));
  },
};
