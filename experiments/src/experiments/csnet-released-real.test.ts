import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSmoke, SHARED_DIR } from '../testing/smoke-cli.ts';

/** The 40 real SOD pairs (../shared/real-data/sod/SOURCES.md) and the released weights, or KD_SHARED_DIR. */
const REAL = path.join(SHARED_DIR, 'real-data', 'sod');
const WEIGHTS = path.join(SHARED_DIR, 'weights', 'csnet-L-x1.safetensors');

let tmp = '';
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** `<root>/ECSSD` (KD-SCFNet layout) and `<root>/PASCAL-S` (CSNet layout) of the first 6 real pairs, linked. */
function fixture(root: string): void {
  const ids = fs
    .readdirSync(REAL)
    .filter((f) => f.endsWith('.jpg'))
    .map((f) => f.slice(0, -4))
    .sort()
    .slice(0, 6);
  for (const [bench, img, gt] of [
    ['ECSSD', 'image', 'mask'],
    ['PASCAL-S', 'images', 'GT'],
  ]) {
    for (const d of [img, gt]) fs.mkdirSync(path.join(root, bench, d), { recursive: true });
    for (const id of ids) {
      fs.symlinkSync(path.join(REAL, `${id}.jpg`), path.join(root, bench, img, `${id}.jpg`));
      fs.symlinkSync(path.join(REAL, `${id}.png`), path.join(root, bench, gt, `${id}.png`));
    }
  }
  fs.writeFileSync(path.join(root, 'ECSSD', 'test.txt'), ids.join('\n') + '\n');
}

describe.skipIf(!fs.existsSync(REAL) || !fs.existsSync(WEIGHTS))(
  'csnet-released --smoke on a real-format fixture (needs ../shared/real-data/sod and weights, or KD_SHARED_DIR)',
  () => {
    it('finds ECSSD and PASCAL-S, skips the other three with one line, writes the paper-layout tables; the x2 row has no weights', () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csnet-released-real-'));
      const data = path.join(tmp, 'data');
      fixture(data);
      const out = path.join(tmp, 'out');
      const r = runSmoke('csnet-released', {
        out,
        dataRoot: data,
        profile: null,
        set: [`weights_x1=${WEIGHTS}`],
        timeoutMs: 280_000,
      });
      expect(r.stderr.slice(-2000) + r.status).toMatch(/0$/);
      expect(r.stderr).toContain(
        `SOD benchmarks under ${data}: found ECSSD (6), PASCAL-S (6); missing DUTS-TE, HKU-IS, DUT-OMRON (skipped)`,
      );
      const md = fs.readFileSync(path.join(out, 'smoke', 'csnet-released.md'), 'utf8');
      expect(md).toContain('| model | weights | params | ECSSD MAE/maxF/meanF | PASCAL-S MAE/maxF/meanF |');
      expect(md).toContain('| model | weights | params | ECSSD MAE/maxF/meanF/S/E | PASCAL-S MAE/maxF/meanF/S/E |');
      expect(md).toMatch(
        /\| CSNet-L ×1 \(released\) \| csnet-L-x1\.safetensors \| 93647 \| 0\.\d{3}\/0\.\d{3}\/0\.\d{3} \|/,
      );
      expect(md).toContain('| CSNet-L ×2 (released) | none | – | –/–/– | –/–/– |');
      // The same 4 smoke images in both layouts score the same.
      const row = md.split('\n').find((l) => l.startsWith('| CSNet-L ×1'))!;
      const cells = row.split('|').map((c) => c.trim());
      expect(cells[4]).toBe(cells[5]);
    }, 300_000);
  },
);
