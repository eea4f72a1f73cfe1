import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@kd/runtime';
import { checkFlagValue, lossFlags, lossFromNpy } from './loss.ts';

// The fixtures and expected values are written by tools/reference/losses/make_goldens.py
// (independent PyTorch float64 implementations of the three formulas on the float32 data).
const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/losses/src/fixtures');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8')) as Record<string, number>;

beforeAll(async () => {
  await useBackend('cpu');
});

describe('pnpm exp loss: .npy → loss agrees with PyTorch to 1e-5 relative', () => {
  const runs: [string, string, { T?: number; poolKernel?: [number, number] }][] = [
    ['pixel-kl T=1', 'pixel-kl', { T: 1 }],
    ['pixel-kl T=4', 'pixel-kl', { T: 4 }],
    ['cwd T=1', 'cwd', { T: 1 }],
    ['cwd T=4', 'cwd', { T: 4 }],
    ['pairwise', 'pairwise', {}],
    ['pairwise pool=2,2', 'pairwise', { poolKernel: [2, 2] }],
    ['pairwise pool=4,3', 'pairwise', { poolKernel: [4, 3] }],
  ];
  it.each(runs)('%s', (key, name, o) => {
    for (const [s, t, layout] of [
      ['student_nchw.npy', 'teacher_nchw.npy', 'nchw'],
      ['student_nhwc_f64.npy', 'teacher_nhwc_f64.npy', 'nhwc'],
    ] as const) {
      const v = lossFromNpy({ name, student: path.join(FIX, s), teacher: path.join(FIX, t), layout, options: o });
      expect(Math.abs(v - expected[key]) / Math.abs(expected[key])).toBeLessThan(1e-5);
    }
  });

  it('refuses flags that do not apply and non-pair losses', () => {
    const files = {
      student: path.join(FIX, 'student_nchw.npy'),
      teacher: path.join(FIX, 'teacher_nchw.npy'),
      layout: 'nchw' as const,
    };
    expect(() => lossFromNpy({ name: 'pairwise', options: { T: 2 }, ...files })).toThrow(
      /--T applies to cwd, (.+, )?pixel-kl, not 'pairwise'/,
    );
    expect(() => lossFromNpy({ name: 'cwd', options: { poolKernel: [2, 2] }, ...files })).toThrow(
      /--pool-kernel applies to pairwise, not 'cwd'/,
    );
    expect(() => lossFromNpy({ name: 'cwd', options: { T: -1 }, ...files })).toThrow(
      /--T: expected a number > 0, got '-1'/,
    );
    expect(() => lossFromNpy({ name: 'fsd', ...files })).toThrow(/does not take a single/);
    expect(() => lossFromNpy({ name: 'pixel-kl', ...files, teacher: path.join(FIX, 'teacher_nhwc_f64.npy') })).toThrow(
      /student \[2,6,7,5\] and teacher \[2,7,5,6\]/,
    );
  });
});

describe('pnpm exp loss flags come from the loss definitions', () => {
  it('one flag per scalar option of the pair losses, with the losses that take it', () => {
    const flags = Object.fromEntries(lossFlags().map((f) => [f.flag, f.losses]));
    expect(flags['T']).toEqual(expect.arrayContaining(['cwd', 'pixel-kl']));
    expect(flags['T']).not.toContain('pairwise');
    expect(flags['pool-kernel']).toEqual(['pairwise']);
    expect(flags['tau-c']).toEqual(['bcd-context']);
    expect(flags['form']).toEqual(['bcd-boundary']);
    expect(flags['rng']).toBeUndefined(); // objects are not flags
  });

  it('values are checked against the option spec', () => {
    const f = (flag: string) => lossFlags().find((x) => x.flag === flag)!;
    expect(() => checkFlagValue(f('pool-kernel'), [2])).toThrow(/--pool-kernel: expected 2 integers >= 1, got '2'/);
    expect(checkFlagValue(f('pool-kernel'), [4, 3])).toEqual([4, 3]);
    expect(() => checkFlagValue(f('form'), 'l1')).toThrow(/--form/);
  });
});
