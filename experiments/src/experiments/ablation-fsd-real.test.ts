import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VOC_DET_CLASSES, parseVocXml } from '@kd/data';
import { runSmoke, SHARED_DIR } from '../testing/smoke-cli.ts';

/** Real VOC JPEGs + XML (../shared/real-data/det/SOURCES.md), or KD_SHARED_DIR. */
const REAL = path.join(SHARED_DIR, 'real-data', 'det');
const TRAIN07 = ['000002', '000003'],
  TEST07 = ['000004', '000005'],
  TRAIN12 = ['2007_000032', '2007_000033', '2007_000039', '2007_000042'];

let tmp = '';
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** `<root>/VOCdevkit/VOC2007` (trainval 000002–3, test 000004–5) + `VOC2012` (trainval: its 4 images), files linked. */
function vocFixture(root: string): string {
  const devkit = path.join(root, 'VOCdevkit');
  for (const [year, splits] of [
    ['VOC2007', { trainval: TRAIN07, test: TEST07 }],
    ['VOC2012', { trainval: TRAIN12 }],
  ] as const) {
    const y = path.join(devkit, year);
    for (const d of ['JPEGImages', 'Annotations', 'ImageSets/Main']) fs.mkdirSync(path.join(y, d), { recursive: true });
    for (const [split, names] of Object.entries(splits)) {
      fs.writeFileSync(path.join(y, 'ImageSets/Main', `${split}.txt`), names.join('\n') + '\n');
      for (const n of names) {
        fs.symlinkSync(path.join(REAL, year, 'JPEGImages', `${n}.jpg`), path.join(y, 'JPEGImages', `${n}.jpg`));
        fs.symlinkSync(path.join(REAL, year, 'Annotations', `${n}.xml`), path.join(y, 'Annotations', `${n}.xml`));
      }
    }
  }
  return devkit;
}

/** A COCO-JSON root from the same images and boxes: train2017 = VOC07 trainval + VOC12, val2017 = VOC07 test. */
function cocoFixture(root: string): string {
  const coco = path.join(root, 'coco');
  const categories = VOC_DET_CLASSES.map((name, i) => ({ id: i + 1, name }));
  const write = (split: string, items: [string, string][]) => {
    fs.mkdirSync(path.join(coco, split), { recursive: true });
    const images: object[] = [],
      annotations: object[] = [];
    items.forEach(([year, n], i) => {
      const ann = parseVocXml(
        fs.readFileSync(path.join(REAL, year, 'Annotations', `${n}.xml`), 'utf8'),
        n,
        VOC_DET_CLASSES,
      );
      fs.symlinkSync(path.join(REAL, year, 'JPEGImages', `${n}.jpg`), path.join(coco, split, `${n}.jpg`));
      images.push({ id: i + 1, file_name: `${n}.jpg`, width: ann.width, height: ann.height });
      for (const o of ann.objects)
        annotations.push({
          id: annotations.length + 1,
          image_id: i + 1,
          category_id: o.cls + 1,
          bbox: [o.x1, o.y1, o.x2 - o.x1, o.y2 - o.y1],
          iscrowd: 0,
        });
    });
    fs.mkdirSync(path.join(coco, 'annotations'), { recursive: true });
    fs.writeFileSync(
      path.join(coco, 'annotations', `instances_${split}.json`),
      JSON.stringify({ images, annotations, categories }),
    );
  };
  write('train2017', [
    ...TRAIN07.map((n): [string, string] => ['VOC2007', n]),
    ...TRAIN12.map((n): [string, string] => ['VOC2012', n]),
  ]);
  write(
    'val2017',
    TEST07.map((n): [string, string] => ['VOC2007', n]),
  );
  return coco;
}

/** `pnpm exp run ablation-fsd --profile full --smoke` on `dataset` (CPU-sized: see SMALL). */
function smokeFull(dataset: string, out: string) {
  const r = runSmoke('ablation-fsd', {
    out,
    dataRoot: path.dirname(dataset),
    set: [`dataset=${path.basename(dataset)}`, ...SMALL],
    timeoutMs: 280_000,
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/**
 * The full profile's models and code path, CPU-sized: batch 2 (the fixture has 6 training images),
 * 128² and narrow widths (YOLOX-L at 640² takes minutes per step on one wasm thread).
 */
const SMALL = ['batch=2', 'size=128', 'teacher_width=0.25', 'student_width=0.125'];

/** Every run's row and the student/teacher step records of its log.jsonl. */
function runs(out: string) {
  const dir = path.join(out, 'smoke', 'runs', 'ablation-fsd');
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
      return { stored, steps: log.filter((r) => r.phase === 'student' && typeof r.step === 'number') };
    });
}

describe.skipIf(!fs.existsSync(REAL))(
  'ablation-fsd --profile full --smoke on real-format fixtures (needs ../shared/real-data/det, or KD_SHARED_DIR)',
  () => {
    it.each([
      ['Pascal VOC (VOCdevkit 2007+2012)', vocFixture, 2],
      ['COCO JSON', cocoFixture, 2],
    ])(
      '%s: every row ok, smoke-marked, 2 student steps, n_test ≤ 4',
      (_, make, nTest) => {
        tmp ||= fs.mkdtempSync(path.join(os.tmpdir(), 'fsd-real-'));
        const root = fs.mkdtempSync(path.join(tmp, 'case-'));
        const dataset = make(root);
        const out = path.join(root, 'out');
        const r = smokeFull(dataset, out);
        expect(r.stderr.slice(-2000) + r.code).toMatch(/0$/);
        const all = runs(out);
        expect(all.length).toBe(8);
        for (const { stored, steps } of all) {
          expect(stored.status).toBe('ok');
          expect(stored.row.smoke).toBe(true);
          expect(stored.row.n_test).toBe(nTest);
          if (stored.variant !== 'chance (random boxes)' && stored.variant !== 'teacher')
            expect(steps.map((s) => s.step)).toEqual([1, 2]);
        }
        // Nothing synthesised: no synthetic twin was written beside the fixture.
        expect(fs.readdirSync(root).filter((f) => f.startsWith('synthetic-'))).toEqual([]);
      },
      300_000,
    );
  },
);
