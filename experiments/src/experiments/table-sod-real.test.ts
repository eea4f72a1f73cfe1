import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSmoke, SHARED_DIR } from '../testing/smoke-cli.ts';

/** Real JPEG/PNG saliency pairs (../shared/real-data/sod, 40 pairs), or KD_SHARED_DIR. */
const REAL = path.join(SHARED_DIR, 'real-data', 'sod');
const MBV3 = path.join(SHARED_DIR, 'weights', 'mobilenetv3_large_x0_5_imagenet_paddleocr.safetensors');

let tmp = '';
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * METHODS §1.6 layouts from the real pairs (files linked): DUTS-TR (image/, mask/, train.txt: 8
 * pairs), KD-SOD80K (image/, train.txt: 8 other images, no masks), DUTS-TE (KD-SCFNet layout, 6
 * pairs, with test.txt) and ECSSD in CSNet's layout (images/, GT/: 5 pairs). No DUTS-TR/test.txt.
 */
function sodFixture(root: string): string {
  const stems = fs
    .readdirSync(REAL)
    .filter((f) => f.endsWith('.jpg'))
    .map((f) => f.slice(0, -4))
    .sort();
  const link = (stem: string, dir: string, img: string, mask: string | null) => {
    fs.mkdirSync(path.join(dir, img), { recursive: true });
    fs.symlinkSync(path.join(REAL, `${stem}.jpg`), path.join(dir, img, `${stem}.jpg`));
    if (mask) {
      fs.mkdirSync(path.join(dir, mask), { recursive: true });
      fs.symlinkSync(path.join(REAL, `${stem}.png`), path.join(dir, mask, `${stem}.png`));
    }
  };
  const sets: [string, string[], string, string | null, string | null][] = [
    ['DUTS-TR', stems.slice(0, 8), 'image', 'mask', 'train.txt'],
    ['KD-SOD80K', stems.slice(8, 16), 'image', null, 'train.txt'],
    ['DUTS-TE', stems.slice(16, 22), 'image', 'mask', 'test.txt'],
    ['ECSSD', stems.slice(22, 27), 'images', 'GT', null],
  ];
  for (const [name, names, img, mask, list] of sets) {
    const dir = path.join(root, name);
    for (const s of names) link(s, dir, img, mask);
    if (list) fs.writeFileSync(path.join(dir, list), names.join('\n') + '\n');
  }
  return root;
}

/**
 * The full profile's code path, CPU-sized: batch 2, 64² (multi-scale {32, 64}), an R50 ×0.25 / C 16
 * teacher; the trunks from scratch where ../shared/weights lacks their ImageNet file (resnet50 is
 * not shipped there; the MobileNetV3 file is).
 */
const SMALL = [
  'batch=2',
  'size=64',
  'teacher_width=0.25',
  'teacher_channels=16',
  'teacher_backbone_weights=none',
  ...(fs.existsSync(MBV3) ? [] : ['student_backbone_weights=none']),
];

describe.skipIf(!fs.existsSync(REAL))(
  'table-sod --profile full --smoke on a real-format fixture (needs ../shared/real-data/sod, or KD_SHARED_DIR)',
  () => {
    it('DUTS-TR labels, KD-SOD80K unlabeled, DUTS-TE + ECSSD scored, the rest skipped with one line', () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'table-sod-real-'));
      const root = sodFixture(path.join(tmp, 'data'));
      const out = path.join(tmp, 'out');
      const r = runSmoke('table-sod', { out, dataRoot: root, set: SMALL, timeoutMs: 540_000 });
      expect(r.stderr.slice(-2000) + r.status).toMatch(/0$/);
      expect(r.stderr).toContain(
        `SOD benchmarks under ${root}: found DUTS-TE (6), ECSSD (5); missing HKU-IS, DUT-OMRON, PASCAL-S (skipped)`,
      );
      const dir = path.join(out, 'smoke', 'runs', 'table-sod');
      const stored = fs
        .readdirSync(dir)
        .filter((h) => fs.existsSync(path.join(dir, h, 'row.json')))
        .map((h) => ({ h, ...JSON.parse(fs.readFileSync(path.join(dir, h, 'row.json'), 'utf8')) }));
      expect(stored.map((s) => s.variant).sort()).toEqual([
        'FS-SCFNet (labels)',
        'KD-SCFNet (unlabeled only)',
        'SCFNet-R50 (teacher)',
      ]);
      for (const s of stored) {
        expect([s.variant, s.status, s.row.smoke]).toEqual([s.variant, 'ok', true]);
        // at most 4 images per benchmark under --smoke
        expect([s.row.n_test, s.row.ECSSD_n]).toEqual([4, 4]);
        for (const k of ['MAE', 'maxFm', 'meanFm', 'Smeasure', 'adpEm', 'ECSSD_MAE', 'ECSSD_meanFm', 'ECSSD_adpEm']) {
          expect(Number.isFinite(s.row[k]) && s.row[k] >= 0 && s.row[k] <= 1, `${s.variant} ${k}=${s.row[k]}`).toBe(
            true,
          );
        }
        expect(s.row['HKU-IS_MAE']).toBeUndefined();
        const cfg = JSON.parse(fs.readFileSync(path.join(dir, s.h, 'config.json'), 'utf8')).config;
        expect([cfg.optimizer, cfg.augment, cfg.lr, cfg.momentum, cfg.backbone_lr_mult, cfg.data]).toEqual([
          'sgd',
          'kdscfnet',
          0.064,
          0.9,
          0.1,
          'DUTS-TR',
        ]);
        if (s.variant !== 'SCFNet-R50 (teacher)') {
          const steps = fs
            .readFileSync(path.join(dir, s.h, 'log.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
            .filter((l) => l.phase === 'student' && typeof l.step === 'number');
          expect(steps.map((l) => l.step)).toEqual([1, 2]);
        }
      }
      // Nothing synthesised beside the fixture.
      expect(fs.readdirSync(root).filter((f) => f.startsWith('synthetic-'))).toEqual([]);
    }, 600_000);
  },
);
