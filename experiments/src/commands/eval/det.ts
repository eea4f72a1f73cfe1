import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { DataError, UsageError } from '@kd/core';
import { cocoEval, parseDetCase, toMetricJson, vocEval } from '@kd/bench';
import { userPath } from '../../paths.ts';

interface Args {
  case?: string;
  gt?: string;
  dets?: string;
  'plus-one': boolean;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(`not valid JSON (${(e as Error).message})`, file);
  }
}

/**
 * `pnpm exp eval det CASE.json` or `--gt GT.json --dets DETS.json` [--no-plus-one]
 * CASE: {"images"?, "classes"?, "gt": [{image_id, class, bbox:[x1,y1,x2,y2], difficult?, iscrowd?, area?}],
 * "dets": [{image_id, class, score, bbox}]}. With --gt/--dets, GT.json holds everything but
 * "dets" and DETS.json is either the array of detections or an object with "dets".
 * JSON on stdout: voc07 and voc_all_point ({mAP, per_class}, IoU > 0.5, +1 unless --no-plus-one)
 * and coco (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl, per_class_AP).
 * Undefined values are null.
 */
export const evalDetCommand: CommandModule<object, Args> = {
  command: 'det [case]',
  describe: 'Score detections: VOC07 11-point, VOC all-point and COCO AP/AR',
  builder: (y) =>
    y
      .positional('case', { type: 'string', describe: 'one JSON with gt and dets' })
      .option('gt', { type: 'string', describe: 'JSON with images?, classes?, gt' })
      .option('dets', { type: 'string', describe: 'JSON array of detections (or {"dets": [...]})' })
      .option('plus-one', {
        type: 'boolean',
        default: true,
        describe: 'VOC pixel-inclusive boxes (--no-plus-one to disable)',
      }) as never,
  handler: async (args) => {
    let json: unknown, file: string;
    if (args.case) {
      if (args.gt || args.dets) throw new UsageError('give either CASE.json or --gt and --dets, not both');
      file = userPath(args.case);
      json = readJson(file);
    } else {
      if (!args.gt || !args.dets) throw new UsageError('give CASE.json, or both --gt GT.json and --dets DETS.json');
      const gtFile = userPath(args.gt),
        detFile = userPath(args.dets);
      const gt = readJson(gtFile),
        dets = readJson(detFile);
      if (typeof gt !== 'object' || gt === null || Array.isArray(gt))
        throw new DataError('expected an object with a "gt" array', gtFile);
      const detList = Array.isArray(dets) ? dets : (dets as { dets?: unknown })?.dets;
      if (!Array.isArray(detList))
        throw new DataError('expected an array of detections or an object with "dets"', detFile);
      json = { ...(gt as object), dets: detList };
      file = `${gtFile} + ${detFile}`;
    }
    const c = parseDetCase(json, file);
    const plusOne = args['plus-one'];
    console.log(
      toMetricJson({
        voc07: vocEval(c, { use07: true, plusOne }),
        voc_all_point: vocEval(c, { use07: false, plusOne }),
        coco: cocoEval(c),
        num_images: c.images.length,
        num_classes: c.classes.length,
        plus_one: plusOne,
      }),
    );
  },
};
