import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { assertNoLeak, useBackend } from '@kd/runtime';
import { BatchNorm2d, Conv2d, Module, type DenseModel } from '@kd/nn';
import { profileModel } from './profile-model.ts';
import { countModelOps } from './op-summary.ts';
import { latencyStats, quantile } from './latency.ts';

/** conv 3→4 (3×3, stride 2, bias) → BN → ReLU → conv 4→1 (1×1, bias). */
class ToyModel extends Module implements DenseModel {
  readonly name = 'toy';
  readonly taps = [];
  readonly normalization = { mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] };
  private readonly c1: Conv2d;
  private readonly bn: BatchNorm2d;
  private readonly c2: Conv2d;
  constructor(rng: Rng) {
    super();
    this.c1 = this.child('c1', new Conv2d(rng, 3, 4, { kernel: 3, stride: 2, bias: true }));
    this.bn = this.child('bn', new BatchNorm2d(4));
    this.c2 = this.child('c2', new Conv2d(rng, 4, 1, { kernel: 1, bias: true }));
  }
  forward(x: tf.Tensor4D): tf.Tensor4D[] {
    return tf.tidy(() => [this.c2.forward(tf.relu(this.bn.forward(this.c1.forward(x))) as tf.Tensor4D)]);
  }
}

describe('profileModel', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('params are exact: 3·3·3·4 + 4 (conv1) + 4 + 4 (BN γ, β) + 4 + 1 (conv2) = 125', () => {
    const m = new ToyModel(new Rng(1));
    expect(m.countParams()).toBe(125);
    m.dispose();
  });

  it('MACs at 16²: conv1 8·8·4·27 = 6912, conv2 8·8·1·4 = 256', () => {
    const m = new ToyModel(new Rng(1));
    const ops = countModelOps(m, 16);
    expect(ops.macs).toBe(6912 + 256);
    expect(ops.by_kind.conv).toEqual({ macs: 7168, flops: 0, count: 2 });
    m.dispose();
  });

  it('times every batch, trains with lr 0 and restores BN statistics, without leaking', async () => {
    const m = new ToyModel(new Rng(2));
    const before = new Map([...m.stateDict()].map(([k, v]) => [k, Array.from(v.dataSync())]));
    const p = await assertNoLeak('profileModel', () =>
      profileModel(m, { size: 16, batches: [1, 3], repeats: 3, warmup: 1, trainBatch: 2 }),
    );
    expect(p.params).toBe(125);
    expect(p.macs).toBe(7168);
    expect(p.inference.map((i) => i.batch)).toEqual([1, 3]);
    for (const i of p.inference) {
      expect(i.samples_ms.length).toBe(3);
      expect(i.median_ms).toBe([...i.samples_ms].sort((a, b) => a - b)[1]);
      expect(i.fps).toBeCloseTo((i.batch * 1000) / i.median_ms, 9);
    }
    expect(p.train?.batch).toBe(2);
    expect(p.train?.samples_ms.length).toBe(3);
    // Weights and BN running statistics are unchanged by profiling.
    for (const [k, v] of m.stateDict()) expect(Array.from(v.dataSync()), k).toEqual(before.get(k));
    // Peak memory includes at least the weights (125 float32) and one [3,16,16,3] input.
    expect(p.peak_bytes.inference).toBeGreaterThanOrEqual(125 * 4 + 3 * 16 * 16 * 3 * 4);
    expect(p.peak_bytes.train).toBeGreaterThan(0);
    expect(m.training).toBe(true);
    m.dispose();
  });
});

describe('latency statistics', () => {
  it.each([
    [[5, 1, 3, 2, 4], 3, 1, 5, 2],
    [[10, 20], 15, 10, 20, 5],
    [[7], 7, 7, 7, 0],
  ])('%j → median %d, min %d, max %d, IQR %d', (s, median, min, max, iqr) => {
    const st = latencyStats(s);
    expect([st.median_ms, st.min_ms, st.max_ms, st.iqr_ms]).toEqual([median, min, max, iqr]);
    expect(st.samples_ms).toEqual(s);
  });
  it('quantile interpolates linearly like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
  });
});
