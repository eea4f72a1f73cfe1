import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDirs } from '@kd/core';
import { encodeTinyPng, put } from '../testing/tiny-png.ts';
import { loadSodSample } from './load-sod-sample.ts';
import { SOD_BENCHMARKS, describeSodBenchmarks, findSodBenchmarks } from './sod-benchmarks.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

const rgb = (w: number, h: number) =>
  encodeTinyPng({ width: w, height: h, colorType: 2, data: new Array(w * h * 3).fill(90) });
const grey = (w: number, h: number) =>
  encodeTinyPng({ width: w, height: h, colorType: 0, data: new Array(w * h).fill(255) });

/** `<root>/<bench>` in the KD-SCFNet layout (PNG images, as HKU-IS ships them). */
function kdBench(root: string, bench: string, names: string[], skipMask = '') {
  for (const n of names) {
    put(root, `${bench}/image/${n}.png`, rgb(4, 3));
    if (n !== skipMask) put(root, `${bench}/mask/${n}.png`, grey(4, 3));
  }
  put(root, `${bench}/test.txt`, names.join('\n') + '\n');
}

/** `<root>/<bench>` in CSNet's layout. */
function csnetBench(root: string, bench: string, names: string[], skipMask = '') {
  for (const n of names) {
    put(root, `${bench}/images/${n}.png`, rgb(4, 3));
    if (n !== skipMask) put(root, `${bench}/GT/${n}.png`, grey(4, 3));
  }
}

describe('findSodBenchmarks', () => {
  it('finds both layouts in the papers order, lists names as each layout orders them, reports the absent ones', () => {
    const root = temp.make('sod-bench-');
    kdBench(root, 'ECSSD', ['b', 'a', 'c']); // test.txt order kept
    csnetBench(root, 'PASCAL-S', ['z', 'y']); // directory listing, sorted
    const r = findSodBenchmarks(root);
    expect(SOD_BENCHMARKS).toEqual(['DUTS-TE', 'ECSSD', 'HKU-IS', 'DUT-OMRON', 'PASCAL-S']);
    expect(r.found.map((b) => [b.name, b.layout, b.names])).toEqual([
      ['ECSSD', 'kdscfnet', ['b', 'a', 'c']],
      ['PASCAL-S', 'csnet', ['y', 'z']],
    ]);
    expect(r.found[0].root).toBe(path.join(root, 'ECSSD'));
    expect(r.found[0].refs[1]).toEqual({
      name: 'a',
      image: path.join(root, 'ECSSD/image/a.png'),
      mask: path.join(root, 'ECSSD/mask/a.png'),
    });
    expect(r.found[1].refs[0].mask).toBe(path.join(root, 'PASCAL-S/GT/y.png'));
    expect(r.missing).toEqual(['DUTS-TE', 'HKU-IS', 'DUT-OMRON']);
    expect(describeSodBenchmarks('data', r)).toBe(
      'SOD benchmarks under data: found ECSSD (3), PASCAL-S (2); missing DUTS-TE, HKU-IS, DUT-OMRON (skipped)',
    );
    expect(findSodBenchmarks(root, ['ECSSD']).missing).toEqual([]);
    expect(describeSodBenchmarks('d', findSodBenchmarks(root, ['SOD']))).toBe(
      'SOD benchmarks under d: found none; missing SOD (skipped)',
    );
  });

  it('a missing mask names the image, in either layout', () => {
    const kd = temp.make('sod-bench-');
    kdBench(kd, 'ECSSD', ['a', 'b'], 'b');
    expect(() => findSodBenchmarks(kd)).toThrow(
      `${path.join(kd, 'ECSSD/image/b.png')}: ECSSD: missing mask for image (expected mask/b.png)`,
    );
    const cs = temp.make('sod-bench-');
    csnetBench(cs, 'HKU-IS', ['a', 'b'], 'a');
    expect(() => findSodBenchmarks(cs)).toThrow(
      `${path.join(cs, 'HKU-IS/images/a.png')}: HKU-IS: missing mask for image (expected GT/a.png)`,
    );
  });

  it('a benchmark folder in neither layout is refused, naming it and both layouts', () => {
    const root = temp.make('sod-bench-');
    fs.mkdirSync(path.join(root, 'DUTS-TE/image'), { recursive: true });
    expect(() => findSodBenchmarks(root)).toThrow(
      `${path.join(root, 'DUTS-TE')}: DUTS-TE is in no SOD benchmark layout: expected image/, mask/ and test.txt (KD-SCFNet) or images/ and GT/ (CSNet)`,
    );
  });

  it('an image/mask size mismatch names both sizes when the pair is read', async () => {
    const root = temp.make('sod-bench-');
    csnetBench(root, 'ECSSD', ['a']);
    put(root, 'ECSSD/GT/a.png', grey(5, 3));
    const [bench] = findSodBenchmarks(root).found;
    await expect(loadSodSample(bench.refs[0])).rejects.toThrow('mask is 5×3 but its image a.png is 4×3');
  });
});
