import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { countModel, createModel } from './index.ts';

describe('countModel', () => {
  beforeAll(() => useBackend('wasm'));

  it('counts every op kind CSNet uses; all scale exactly ×4 with a 2× larger input; no leak, mode restored', () => {
    const m = createModel('csnet-l-x1', { rng: new Rng(1) });
    const before = tf.memory().numTensors;
    const a = countModel(m, [32, 32]);
    const b = countModel(m, [64, 64]);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.training).toBe(true);
    expect(a.params).toBe(93_647);
    expect(Object.keys(a.macsByKind).sort()).toEqual(['conv', 'depthwise', 'elementwise', 'pool', 'resize']);
    for (const k of Object.keys(a.macsByKind) as (keyof typeof a.macsByKind)[])
      expect(b.macsByKind[k]).toBe(4 * a.macsByKind[k]!);
    expect(b.flops).toBe(4 * a.flops);
    m.dispose();
  });

  it('conv MACs of the SCFNet student head equal k·k·in·out·H·W (the 3×3 16→1 heads at 4 scales)', () => {
    const m = createModel('scfnet-mbv3-x0.5', { rng: new Rng(1), weights: 'none' });
    const c = countModel(m, [64, 64]);
    const heads = c.ops.filter((o) => o.kind === 'conv' && o.outShape[3] === 1);
    expect(heads.map((o) => o.macs)).toEqual([16, 8, 4, 2].map((s) => 9 * 16 * 1 * s * s));
    m.dispose();
  });
});
