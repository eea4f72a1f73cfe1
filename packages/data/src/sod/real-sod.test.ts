import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../dataset/register-kinds.ts';
import { inspectDataset } from '../dataset/inspect.ts';
import { openDataset } from '../dataset/dataset-kind.ts';
import { realDataDir } from '../testing/shared-dir.ts';
import { tempDir } from '../testing/tiny-png.ts';

const REAL = realDataDir('sod');
// Made inside the test: a skipped suite runs no hooks, so a folder made here would be left behind.
let root = '';
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(REAL))(
  'SOD readers on real SOD-benchmark pairs (needs ../shared/real-data/sod, or KD_SHARED_DIR)',
  () => {
    it('reads 5 real pairs in the CSNet and KD-SCFNet layouts identically; masks are 0/255 and match image sizes', async () => {
      const ids = fs
        .readdirSync(REAL)
        .filter((f) => f.endsWith('.jpg'))
        .map((f) => path.parse(f).name)
        .sort()
        .slice(0, 5);
      root = tempDir('real-sod');
      for (const sub of ['csnet/images', 'csnet/GT', 'kd/image', 'kd/mask'])
        fs.mkdirSync(path.join(root, sub), { recursive: true });
      for (const id of ids) {
        fs.symlinkSync(path.join(REAL, `${id}.jpg`), path.join(root, 'csnet/images', `${id}.jpg`));
        fs.symlinkSync(path.join(REAL, `${id}.png`), path.join(root, 'csnet/GT', `${id}.png`));
        fs.symlinkSync(path.join(REAL, `${id}.jpg`), path.join(root, 'kd/image', `${id}.jpg`));
        fs.symlinkSync(path.join(REAL, `${id}.png`), path.join(root, 'kd/mask', `${id}.png`));
      }
      fs.writeFileSync(path.join(root, 'kd/test.txt'), ids.join('\n') + '\n');
      expect(openDataset('sod', path.join(root, 'csnet')).refs.map((r) => r.name)).toEqual(ids);
      const a = await inspectDataset('sod', path.join(root, 'csnet'));
      const b = await inspectDataset('sod', path.join(root, 'kd'), 'test');
      expect(a.bad).toEqual([]);
      expect(a.samples).toBe(5);
      expect(b.class_pixels).toEqual(a.class_pixels);
      expect(a.class_pixels![1]).toBeGreaterThan(0);
    });
  },
);
