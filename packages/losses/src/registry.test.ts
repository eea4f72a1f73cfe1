import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, encodeNpy, parseNpy } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { npyToNhwc } from './npy.ts';
import {
  LOSSES,
  createLoss,
  createPairLoss,
  describeLoss,
  listLosses,
  listPairLosses,
  type LossName,
  type PairLossName,
} from './registry.ts';
import { expectClose, expectNoLeak, fixturePath, value } from './test-helpers.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

const load = (name: string, layout: 'nchw' | 'nhwc') =>
  npyToNhwc(parseNpy(fs.readFileSync(fixturePath(name)), name), layout);

describe('loss registry', () => {
  it('lists every loss and the pair losses the CLI can run', () => {
    // The list derives from the definitions: every one registered once, sorted, with its doc line.
    const names = LOSSES.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    expect(listLosses()).toEqual([...names].sort());
    for (const n of names) expect(describeLoss(n)).toBe(LOSSES.find((d) => d.name === n)!.doc);
    expect(listLosses('bcd*')).toEqual(['bcd', 'bcd-boundary', 'bcd-context']);
    expect(listPairLosses()).toContain('pixel-kl');
    expect(listPairLosses()).not.toContain('fsd');
    // A pair loss takes exactly { student, teacher } NHWC maps.
    for (const n of listPairLosses())
      expect(Object.keys(LOSSES.find((d) => d.name === n)!.inputs).sort()).toEqual(['student', 'teacher']);
  });

  it('the catalog types derive from the definitions', () => {
    const pair: PairLossName = 'cwd';
    const name: LossName = 'fsd';
    // @ts-expect-error fsd takes a foreground mask too, so it is not a pair loss
    const notPair: PairLossName = 'fsd';
    // @ts-expect-error unknown names do not typecheck
    expect(() => createLoss('pixel-k')).toThrow(/did you mean 'pixel-kl'/);
    // @ts-expect-error options are typed per loss
    createLoss('pixel-kl', { tau: 2 });
    expect([pair, name, notPair]).toEqual(['cwd', 'fsd', 'fsd']);
  });

  it('unknown names suggest the nearest; non-pair losses are refused by createPairLoss', () => {
    expect(() => createPairLoss('pixel-k')).toThrow(/did you mean 'pixel-kl'/);
    expect(() => createPairLoss('fsd')).toThrow(/does not take a single \(student, teacher\) pair/);
    expect(() => createLoss('fsd')).toThrow(/pass \{ rng \}/);
  });

  it('learnable losses expose their module', () => {
    const fsd = createLoss('fsd', { rng: new Rng(1), studentChannels: 4, teacherChannels: 8 });
    expect(fsd.module?.countParams()).toBeGreaterThan(0);
    const fit = createLoss('fitnet', {
      rng: new Rng(2),
      studentTap: { name: 's.x3', channels: 4, stride: 16 },
      teacherTap: { name: 't.x3', channels: 8, stride: 8 },
    });
    const s = tf.ones([1, 2, 2, 4]) as tf.Tensor4D;
    const t = tf.zeros([1, 4, 4, 8]) as tf.Tensor4D;
    expect(Number.isFinite(value(fit.compute({ student: s, teacher: t })))).toBe(true);
    expectNoLeak(() => fit.compute({ student: s, teacher: t }));
    tf.dispose([s, t]);
    fsd.module?.dispose();
    fit.module?.dispose();
  });
});

describe('.npy fixtures → registry agree with the PyTorch implementation (1e-5 relative)', () => {
  const expected = JSON.parse(fs.readFileSync(fixturePath('expected.json'), 'utf8')) as Record<string, number>;
  const runs: [string, string, Record<string, unknown>][] = [
    ['pixel-kl T=1', 'pixel-kl', { T: 1 }],
    ['pixel-kl T=4', 'pixel-kl', { T: 4 }],
    ['cwd T=1', 'cwd', { T: 1 }],
    ['cwd T=4', 'cwd', { T: 4 }],
    ['pairwise', 'pairwise', {}],
    ['pairwise pool=2,2', 'pairwise', { poolKernel: [2, 2] }],
    ['pairwise pool=4,3', 'pairwise', { poolKernel: [4, 3] }],
  ];
  it.each(runs)('%s (float32 NCHW and float64 NHWC files)', (key, name, opts) => {
    const loss = createPairLoss(name, opts);
    for (const [sf, tf_, layout] of [
      ['student_nchw.npy', 'teacher_nchw.npy', 'nchw'],
      ['student_nhwc_f64.npy', 'teacher_nhwc_f64.npy', 'nhwc'],
    ] as const) {
      const s = load(sf, layout);
      const t = load(tf_, layout);
      expectClose(value(loss.compute({ student: s, teacher: t })), expected[key], 1e-5, 0);
      tf.dispose([s, t]);
    }
  });
});

describe('.npy reader', () => {
  it('round-trips and reads NumPy-written float32/float64 files', () => {
    const data = new Float32Array([1, -2.5, 3, 4, 5, 6]);
    const back = parseNpy(encodeNpy(data, [2, 3]));
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    const a = parseNpy(fs.readFileSync(fixturePath('student_nchw.npy')));
    const b = parseNpy(fs.readFileSync(fixturePath('student_nhwc_f64.npy')));
    expect([a.dtype, b.dtype]).toEqual(['float32', 'float64']);
    expect(a.shape).toEqual([2, 5, 6, 7]);
    expect(b.shape).toEqual([2, 6, 7, 5]);
    // NCHW element (n=1,c=2,h=3,w=4) is NHWC element (1,3,4,2).
    expect(b.data[((1 * 6 + 3) * 7 + 4) * 5 + 2]).toBe(a.data[((1 * 5 + 2) * 6 + 3) * 7 + 4]);
  });

  it('rejects bad files with the file name', () => {
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).toThrow(/x.npy: not a NumPy/);
    const ints = encodeNpy(new Float32Array(2), [2]);
    const hacked = new TextDecoder('latin1').decode(ints).replace('<f4', '<i4');
    expect(() =>
      parseNpy(
        Uint8Array.from(hacked, (c) => c.charCodeAt(0)),
        'i.npy',
      ),
    ).toThrow(/i.npy: dtype '<i4' is not supported/);
    expect(() => npyToNhwc(parseNpy(encodeNpy(new Float32Array(6), [2, 3])), 'nchw', 'y.npy')).toThrow(
      /y.npy: expected a rank-4 array/,
    );
  });
});

describe('multi-part losses through the registry free their parts', () => {
  it('ka and fsd compute() leave only the scalar', () => {
    const fsd = createLoss('fsd', { rng: new Rng(3), studentChannels: 4, teacherChannels: 4 });
    const s = tf.ones([1, 4, 4, 4]) as tf.Tensor4D;
    const fg = tf.zeros([1, 4, 4]) as tf.Tensor3D;
    expectNoLeak(() => fsd.compute({ student: s, teacher: s, foreground: fg }));
    const bcd = createLoss('bcd', { contextWeight: 1, boundaryWeight: 1 });
    expectNoLeak(() => bcd.compute({ studentStages: [s], teacherStages: [s], studentLast: s, teacherLast: s }));
    tf.dispose([s, fg]);
    fsd.module?.dispose();
  });
});
