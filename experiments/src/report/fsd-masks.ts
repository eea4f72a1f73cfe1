import * as tf from '@tensorflow/tfjs';
import type { Box } from '@kd/core';
import { loadDetSplit, resizeSample, type Sample } from '@kd/data';
import { backgroundMask, gaussianForegroundMask } from '@kd/losses';
import type { StoredRun } from '@kd/sweep';
import { boxesCell } from './det-grid.ts';
import { detLegend } from './det-boxes.ts';
import { pickDetRuns } from './det-runs.ts';
import { heatLegend, heatMap } from './heat-map.ts';
import { renderGrid, type GridCell } from './image-grid.ts';
import { nearestSourceIndex } from './upsample-nearest.ts';

/** YOLOX's FPN strides of p3, p4, p5 (FSD distils the three neck levels). */
export const FSD_STRIDES = [8, 16, 32] as const;

/**
 * YOLOX's map side at `stride` for an input side S: S / stride (YOLOX takes only multiples of 32,
 * so p3/p4/p5 are S/8, S/16, S/32).
 */
export function yoloxMapSide(S: number, stride: number): number {
  if (S % 32) throw new Error(`FSD mask figure: the runs' input size must be a multiple of 32 (YOLOX), got ${S}`);
  return S / stride;
}

/** FSD's masks of one image at one FPN level, [H·W] row-major. */
export interface FsdLevelMasks {
  stride: number;
  /** Feature map size [H, W]. */
  size: [number, number];
  fg: { intended: Float32Array; literal: Float32Array };
  /** Normalised background mask (1 where fg = 0, divided by its count; all 0 when fg covers the map). */
  bg: { intended: Float32Array; literal: Float32Array };
}

/**
 * `gaussianForegroundMask` (intended and literal) and `backgroundMask` of one image's `boxes`
 * (input pixels of an S×S input) at each stride's map (YOLOX sides, `yoloxMapSide`).
 */
export function fsdLevelMasks(
  boxes: readonly Box[],
  S: number,
  strides: readonly number[] = FSD_STRIDES,
): FsdLevelMasks[] {
  return strides.map((stride) => {
    const side = yoloxMapSide(S, stride);
    const size: [number, number] = [side, side];
    const both = (mode: 'intended' | 'literal') =>
      tf.tidy(() => {
        const fg = gaussianForegroundMask([boxes], { imageSize: [S, S], featureSize: size, mode });
        return [fg.dataSync().slice(), backgroundMask(fg).dataSync().slice()] as Float32Array[];
      });
    const [fi, bi] = both('intended'),
      [fl, bl] = both('literal');
    return { stride, size, fg: { intended: fi, literal: fl }, bg: { intended: bi, literal: bl } };
  });
}

const maxOf = (v: Float32Array) => v.reduce((m, x) => Math.max(m, x), 0);

/** A [h,w] mask as a `cell`² heat-map (each panel scaled to its own max), upsampled nearest. */
export function maskCell(values: Float32Array, [h, w]: [number, number], cell: number): GridCell {
  const idx = nearestSourceIndex(w, h, cell, cell);
  const up = new Float32Array(cell * cell);
  for (let i = 0; i < up.length; i++) up[i] = values[idx[i]];
  return { rgb: heatMap(up, maxOf(values)), width: cell, height: cell };
}

/** The columns of the mask figure. */
export const FSD_MASK_COLUMNS = ['image + boxes', 'fg (intended)', 'bg (intended)', 'fg (literal)', 'bg (literal)'];

/**
 * Rows of the mask figure for `sample` (at the input size S×S): one per level, columns
 * FSD_MASK_COLUMNS, every cell `cell`² pixels.
 */
export function fsdMaskRows(sample: Sample, levels: readonly FsdLevelMasks[], cell: number): GridCell[][] {
  const image = boxesCell(sample, sample.objects ?? [], cell);
  return levels.map((l) => [
    image,
    maskCell(l.fg.intended, l.size, cell),
    maskCell(l.bg.intended, l.size, cell),
    maskCell(l.fg.literal, l.size, cell),
    maskCell(l.bg.literal, l.size, cell),
  ]);
}

/**
 * FSD's masks of one training image (of the first 8, the one with the most boxes; resized to the
 * runs' input size S×S): rows p3/p4/p5 (strides 8/16/32), columns image with boxes | fg intended
 * | bg intended | fg literal | bg literal, heat-maps upsampled nearest to 256², each scaled to its
 * own max. Returns what it drew.
 */
export async function fsdMasksFigure(
  file: string,
  outDir: string,
  experiment: string,
  runs: readonly StoredRun[],
  dataRoot: string,
  cell = 256,
): Promise<{ sample: string; levels: FsdLevelMasks[] }> {
  const picked = pickDetRuns(outDir, experiment, runs, dataRoot);
  const S = picked.cfg.size;
  const train = await loadDetSplit(picked.kind, picked.dataDir, picked.splits[0], { limit: 8 });
  const pick = train.samples.reduce<Sample | null>(
    (best, s) => (!best || (s.objects?.length ?? 0) > (best.objects?.length ?? 0) ? s : best),
    null,
  );
  if (!pick) throw new Error(`${experiment}: train split of ${picked.dataDir} is empty`);
  const sample = resizeSample(pick, S, S);
  const levels = fsdLevelMasks(
    (sample.objects ?? []).map((o): Box => [o.x1, o.y1, o.x2, o.y2]),
    S,
  );
  await renderGrid(file, FSD_MASK_COLUMNS, fsdMaskRows(sample, levels, cell), cell, cell, {
    rowLabels: levels.map((l, i) => `p${i + 3} · stride ${l.stride} · ${l.size[0]}×${l.size[1]}`),
    legend: [...detLegend(train.classes), ...heatLegend()],
  });
  return { sample: pick.name, levels };
}
