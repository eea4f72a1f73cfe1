import type { CommandModule } from 'yargs';
import { assertOneOf } from '@kd/core';
import { readRgb } from '@kd/data';
import {
  SalMetricEvaluator,
  SodEvaluator,
  ToolboxEvaluator,
  resizeGrayBilinear,
  toMetricJson,
  type GrayMap,
} from '@kd/bench';
import { userPath } from '../../paths.ts';
import { pairByName } from './pair-by-name.ts';

const CONVENTIONS = ['pysod', 'salmetric', 'toolbox'] as const;

interface Args {
  pred: string;
  gt: string;
  convention: string;
  'per-image': boolean;
  curves: boolean;
}

/**
 * Grey value as OpenCV's `imread(..., IMREAD_GRAYSCALE)` computes it from 8-bit RGB
 * (BT.601 weights in 14-bit fixed point): (4899·R + 9617·G + 1868·B + 8192) >> 14.
 * Grey images decode to R = G = B and keep their values exactly.
 */
function toGray(file: string): Promise<GrayMap & { data: Uint8Array }> {
  return readRgb(file).then((im) => {
    const n = im.width * im.height;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      out[i] = (4899 * im.data[3 * i] + 9617 * im.data[3 * i + 1] + 1868 * im.data[3 * i + 2] + 8192) >> 14;
    return { data: out, width: im.width, height: im.height };
  });
}

/**
 * `pnpm exp eval sod --pred DIR --gt DIR [--convention pysod|salmetric|toolbox] [--per-image] [--curves]`
 * JSON on stdout: MAE, Smeasure, wFmeasure, adpFm, meanFm, maxFm, adpEm, meanEm, maxEm,
 * num_images, convention (+ per_image, curves). SalMetric defines only MAE/maxFm/meanFm, the
 * KD-SCFNet toolbox (`ToolboxEvaluator`) MAE/maxFm/meanFm/Smeasure/adpEm; the other keys are null there. Files pair by name (PNG/JPG, 8-bit grey or RGB → grey as OpenCV).
 * A prediction of another size is resized to its gt (bilinear, half-pixel), reported once on stderr.
 */
export const evalSodCommand: CommandModule<object, Args> = {
  command: 'sod',
  describe: 'Score saliency maps against masks (PySODMetrics conventions by default)',
  builder: (y) =>
    y
      .option('pred', { type: 'string', demandOption: true, describe: 'folder of predicted maps (0..255)' })
      .option('gt', { type: 'string', demandOption: true, describe: 'folder of gt masks (foreground > 128)' })
      .option('convention', { type: 'string', default: 'pysod', describe: `${CONVENTIONS.join(' | ')}` })
      .option('per-image', { type: 'boolean', default: false, describe: 'add per-image scores' })
      .option('curves', { type: 'boolean', default: false, describe: 'add the 256-threshold curves' }) as never,
  handler: async (args) => {
    const convention = assertOneOf('--convention', args.convention, CONVENTIONS);
    const pairs = pairByName(userPath(args.pred), userPath(args.gt), ['png', 'jpg', 'jpeg']);
    const pysod = new SodEvaluator();
    const sal = new SalMetricEvaluator();
    const toolbox = new ToolboxEvaluator();
    const perImage: unknown[] = [];
    const resized: string[] = [];
    for (const p of pairs) {
      let [pred, gt] = await Promise.all([toGray(p.pred), toGray(p.gt)]);
      if (pred.width !== gt.width || pred.height !== gt.height) {
        if (resized.length === 0) resized.push(`${p.name} ${pred.width}×${pred.height} → ${gt.width}×${gt.height}`);
        else resized.push(p.name);
        pred = resizeGrayBilinear(pred, gt.width, gt.height);
      }
      if (convention === 'pysod') perImage.push(pysod.add(pred, gt, p.name));
      else if (convention === 'toolbox') perImage.push(toolbox.add(pred, gt, p.name));
      else perImage.push(sal.add(pred, gt, p.name));
    }
    if (resized.length) {
      console.error(
        `note: ${resized.length} prediction(s) resized to their gt size with bilinear interpolation (as the reference toolkits do), e.g. ${resized[0]}`,
      );
    }
    let out: Record<string, unknown>;
    if (convention === 'pysod') {
      out = { ...pysod.summary(), convention };
      if (args.curves) out.curves = pysod.curves();
    } else if (convention === 'toolbox') {
      const s = toolbox.summary();
      out = {
        MAE: s.MAE,
        Smeasure: s.Smeasure,
        wFmeasure: null,
        adpFm: null,
        meanFm: s.meanFm,
        maxFm: s.maxFm,
        adpEm: s.adpEm,
        meanEm: null,
        maxEm: null,
        num_images: s.num_images,
        convention,
      };
      if (args.curves)
        out.curves = { thresholds: Array.from({ length: 256 }, (_, k) => k / 255), fm: toolbox.fCurve() };
    } else {
      const s = sal.summary();
      out = {
        MAE: s.MAE,
        Smeasure: null,
        wFmeasure: null,
        adpFm: null,
        meanFm: s.meanFm,
        maxFm: s.maxFm,
        adpEm: null,
        meanEm: null,
        maxEm: null,
        num_images: s.num_images,
        convention,
      };
      if (args.curves) out.curves = { thresholds: Array.from({ length: 256 }, (_, t) => t), ...sal.fCurve() };
    }
    if (args['per-image']) out.per_image = perImage;
    console.log(toMetricJson(out));
  },
};
