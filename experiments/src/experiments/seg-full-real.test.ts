import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VOC_PALETTE, readIndexPng, readRgb, writeJpeg, writePalettePng } from '@kd/data';
import { expandSweep, takeShard, type SweepExperiment } from '@kd/sweep';
import { runSmoke, SHARED_DIR } from '../testing/smoke-cli.ts';
import { ablationBcd } from './ablation-bcd.ts';
import { ablationKa } from './ablation-ka.ts';

/** Real Cityscapes / VOC samples (../shared/real-data/seg/SOURCES.md), or KD_SHARED_DIR. */
const REAL = path.join(SHARED_DIR, 'real-data', 'seg');
const FRAME = 'frankfurt_000000_000294';
const VOC_IDS = ['1', '23', '114'];
/** Cityscapes labelIds of the 19 train classes (METHODS §6). */
const EVALUATED_IDS = [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33];
/** Labelled (non-void) pixels of the three VOC targets (513² = 263,169 each, less the void border). */
const PIXELS_VOC = [250_557, 254_396, 254_954];

let tmp = '';
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * `<root>/cityscapes` in the official layout with labelIds PNGs: train = the real frame under two
 * stems (a batch of 2), val = the frame once. Files linked, nothing converted.
 */
function cityscapesFixture(root: string): string {
  const cs = path.join(root, 'cityscapes');
  for (const [split, stems] of [
    ['train', [FRAME, 'frankfurt_000000_000295']],
    ['val', [FRAME]],
  ] as const) {
    const img = path.join(cs, 'leftImg8bit', split, 'frankfurt'),
      gt = path.join(cs, 'gtFine', split, 'frankfurt');
    fs.mkdirSync(img, { recursive: true });
    fs.mkdirSync(gt, { recursive: true });
    for (const stem of stems) {
      fs.symlinkSync(
        path.join(REAL, 'cityscapes', `${FRAME}_leftImg8bit.png`),
        path.join(img, `${stem}_leftImg8bit.png`),
      );
      fs.symlinkSync(
        path.join(REAL, 'cityscapes', `${FRAME}_gtFine_labelIds.png`),
        path.join(gt, `${stem}_gtFine_labelIds.png`),
      );
    }
  }
  return cs;
}

/**
 * `<root>/VOCdevkit/VOC2012` with JPEGImages/*.jpg and SegmentationClass/*.png palette PNGs whose
 * indices come from the real targets' VOC colours (SOURCES.md: RGB, 3 colours each); train and val
 * list all three samples (no SBD: the train split falls back to SegmentationClass).
 */
async function vocFixture(root: string): Promise<string> {
  const voc = path.join(root, 'VOCdevkit', 'VOC2012');
  for (const d of ['JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'])
    fs.mkdirSync(path.join(voc, d), { recursive: true });
  const colour = new Map(VOC_PALETTE.map((c, i) => [c.join(','), i]));
  for (const id of VOC_IDS) {
    const img = await readRgb(path.join(REAL, 'voc', `${id}_image.png`));
    await writeJpeg(path.join(voc, 'JPEGImages', `${id}.jpg`), img.data, img.width, img.height);
    const t = await readRgb(path.join(REAL, 'voc', `${id}_target.png`));
    const idx = new Uint8Array(t.width * t.height);
    for (let p = 0; p < idx.length; p++) {
      const k = colour.get(`${t.data[3 * p]},${t.data[3 * p + 1]},${t.data[3 * p + 2]}`);
      if (k === undefined) throw new Error(`${id}_target.png: pixel ${p} is not a VOC palette colour`);
      idx[p] = k;
    }
    await writePalettePng(path.join(voc, 'SegmentationClass', `${id}.png`), idx, t.width, t.height, VOC_PALETTE);
  }
  for (const split of ['train', 'val'])
    fs.writeFileSync(path.join(voc, 'ImageSets', 'Segmentation', `${split}.txt`), VOC_IDS.join('\n') + '\n');
  return voc;
}

/**
 * The full profile's models and code path, CPU-sized: batch 2, 64×64 crops (the slide windows of
 * eval=slide), ⅛-width trunks, 1 epoch (--smoke stops each stage after 2 steps anyway).
 */
const SMALL = [
  'batch=2',
  'width=64',
  'height=64',
  'teacher_width=0.125',
  'student_width=0.125',
  'workers=0',
  // ImageNet files fit only width 1 (the loading path is tested in @kd/models trunk-weights.test.ts).
  'teacher_backbone_weights=none',
  'student_backbone_weights=none',
];

/** The full profile's runs of `exp` (shard `k` of `n`) as 'variant @ model' (the teacher row's model is the teacher). */
function expected(exp: SweepExperiment, shard?: [number, number]) {
  const all = expandSweep(exp, { profile: 'full', seeds: [1], overrides: {}, backendLabel: 'check' });
  const mine = shard ? takeShard(all, { index: shard[0], count: shard[1] }) : all;
  const cfg = (s: (typeof all)[number]) =>
    s.config as { teacher: string; student: string; beta?: number; gamma?: number };
  return {
    labels: mine.map((s) => `${s.variant} @ ${s.variant === 'teacher' ? cfg(s).teacher : cfg(s).student}`).sort(),
    distilled: mine.filter((s) => (cfg(s).beta ?? 0) > 0 || (cfg(s).gamma ?? 0) > 0).length,
  };
}

/** `pnpm exp run <exp> --profile full --smoke` with `sets` on the data under `dataRoot`. */
function smokeFull(exp: string, dataRoot: string, out: string, sets: string[], shard?: string) {
  const r = runSmoke(exp, {
    out,
    dataRoot,
    extra: shard ? ['--shard', shard] : [],
    set: [...SMALL, ...sets],
    timeoutMs: 280_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/**
 * Labelled (not 255) pixels of an image as its per-image IoU vector [I_0..I_{K−1}, U_0..U_{K−1}]
 * counts them: Σ I = correct, Σ U = correct + 2·wrong, so (Σ I + Σ U) / 2 = labelled pixels whatever
 * the prediction — the full-resolution label's count only when evaluated at full resolution.
 */
const labelledOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / 2;
const labelled = (file: string) => readIndexPng(file).data.filter((v) => v !== 255).length;

/** Every run's stored row, per-image IoUs (students), and the student-stage steps of its log. */
function runs(out: string, exp: string) {
  const dir = path.join(out, 'smoke', 'runs', exp);
  return fs
    .readdirSync(dir)
    .filter((h) => fs.existsSync(path.join(dir, h, 'row.json')))
    .map((h) => {
      const stored = JSON.parse(fs.readFileSync(path.join(dir, h, 'row.json'), 'utf8'));
      const log = fs
        .readFileSync(path.join(dir, h, 'log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      const pi = path.join(dir, h, 'per-image.json');
      const perImage: { names: string[]; vectors: number[][] } | null = fs.existsSync(pi)
        ? JSON.parse(fs.readFileSync(pi, 'utf8'))
        : null;
      return { stored, perImage, steps: log.filter((r) => r.phase === 'student' && typeof r.step === 'number') };
    });
}

describe.skipIf(!fs.existsSync(REAL))(
  'segmentation --profile full --smoke on real-format fixtures (needs ../shared/real-data/seg, or KD_SHARED_DIR)',
  () => {
    it('ablation-bcd on Cityscapes (labelIds PNGs): DeepLabV3-R101 → R18, scale-crop, whole-frame evaluation', async () => {
      tmp ||= fs.mkdtempSync(path.join(os.tmpdir(), 'seg-real-'));
      const root = fs.mkdtempSync(path.join(tmp, 'cs-'));
      cityscapesFixture(root);
      const out = path.join(root, 'out');
      const r = smokeFull('ablation-bcd', root, out, ['data=cityscapes']);
      expect(r.stderr.slice(-2000) + r.code).toMatch(/0$/);
      const all = runs(out, 'ablation-bcd');
      // Every full-profile row ran: the DeepLabV3-R101 teacher and the DeepLabV3-R18 students.
      expect(all.map((a) => `${a.stored.variant} @ ${a.stored.row.model}`).sort()).toEqual(
        expected(ablationBcd as SweepExperiment).labels,
      );
      expect(all.some((a) => a.stored.variant === '+ BD + CD')).toBe(true);
      // The frame's pixels whose labelId is one of the 19 evaluated (METHODS §6: 7→0 … 33→18). The
      // labelTrainIds file beside it (downscaled separately) has 5 more: 28,899.
      const frame = readIndexPng(path.join(REAL, 'cityscapes', `${FRAME}_gtFine_labelIds.png`)).data.filter((v) =>
        EVALUATED_IDS.includes(v),
      ).length;
      expect(frame).toBe(28_894);
      for (const { stored, steps, perImage } of all) {
        expect(stored.status).toBe('ok');
        expect(stored.row.smoke).toBe(true);
        expect(stored.row.n_test).toBe(1);
        if (perImage) {
          // Evaluated on the whole 128×256 frame (not resized to the 64×64 crop), 19 classes.
          expect(perImage.names).toEqual([FRAME]);
          expect(perImage.vectors[0]).toHaveLength(2 * 19);
          expect(labelledOf(perImage.vectors[0])).toBe(frame);
        }
        expect(stored.row.mIoU).toBeGreaterThanOrEqual(0);
        expect(stored.row.mIoU).toBeLessThanOrEqual(1);
        if (stored.variant !== 'teacher') expect(steps.map((s: { step: number }) => s.step)).toEqual([1, 2]);
      }
      expect(all.find((a) => a.stored.variant === 'teacher')!.stored.row.model).toBe('deeplabv3-r101');
      expect(all.find((a) => a.stored.variant === 'no KD')!.stored.row.model).toBe('deeplabv3-r18');
    }, 300_000);

    it('ablation-ka on VOC 2012 (palette PNGs): 21 classes, whole-image evaluation of the 513×513 images', async () => {
      tmp ||= fs.mkdtempSync(path.join(os.tmpdir(), 'seg-real-'));
      const root = fs.mkdtempSync(path.join(tmp, 'voc-'));
      const voc = await vocFixture(root);
      const lab = readIndexPng(path.join(voc, 'SegmentationClass', '23.png'));
      // background, sheep (VOC index 17; SOURCES.md calls it a bird), void
      expect([...new Set(lab.data)].sort((a, b) => a - b)).toEqual([0, 17, 255]);
      const out = path.join(root, 'out');
      const r = smokeFull(
        'ablation-ka',
        root,
        out,
        ['dataset=voc', 'data=VOCdevkit/VOC2012', 'iters=30000', 'teacher_iters=30000'],
        '0/4',
      );
      expect(r.stderr.slice(-2000) + r.code).toMatch(/0$/);
      // Shard 0/4 of the full runs (CI time): the teacher and every 4th student row.
      const want = expected(ablationKa as SweepExperiment, [0, 4]);
      expect(
        want.distilled,
        'shard 0/4 must hold a KA-term run (pick another shard if the rows change)',
      ).toBeGreaterThan(0);
      const all = runs(out, 'ablation-ka');
      expect(all.map((a) => `${a.stored.variant} @ ${a.stored.row.model}`).sort()).toEqual(want.labels);
      const pixels = VOC_IDS.map((id) => labelled(path.join(voc, 'SegmentationClass', `${id}.png`)));
      expect(pixels).toEqual(PIXELS_VOC);
      for (const { stored, steps, perImage } of all) {
        expect(stored.status).toBe('ok');
        expect(stored.row.smoke).toBe(true);
        expect(stored.row.n_test).toBe(3);
        if (perImage) {
          // The three val images evaluated whole (513×513, padded to the input multiple), not resized to the 64² crop; 21 classes.
          expect(perImage.names).toEqual(VOC_IDS);
          expect(perImage.vectors.map((v) => v.length)).toEqual([42, 42, 42]);
          expect(perImage.vectors.map(labelledOf)).toEqual(pixels);
        }
        expect(stored.row.mIoU).toBeGreaterThanOrEqual(0);
        expect(stored.row.mIoU).toBeLessThanOrEqual(1);
        if (stored.variant !== 'teacher') expect(steps.map((s: { step: number }) => s.step)).toEqual([1, 2]);
      }
    }, 300_000);
  },
);
