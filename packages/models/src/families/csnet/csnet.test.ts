import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Rng, readNpy } from '@kd/core';
import { maxAbsDiff, useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectDwdPairs, createModel, loadSafetensors, prune, sharedWeightsFile } from '../../index.ts';
import { baseConfig } from './config.ts';
import { testImages } from '../../testing/train-step.ts';

const REF = sharedWeightsFile('reference');

describe.skipIf(!fs.existsSync(REF))('official CSNet weights reproduce the PyTorch logits (../shared/weights)', () => {
  beforeAll(() => useBackend('wasm'));
  it.each(['x1', 'x2'] as const)('csnet-l-%s on u2net_boat (224², NCHW → NHWC): max |Δ| < 1e-4', (v) => {
    const m = createModel(`csnet-l-${v}` as const, { rng: new Rng(1) }).eval();
    loadSafetensors(m, sharedWeightsFile(`csnet-L-${v}.safetensors`));
    const inp = readNpy(`${REF}/u2net_boat.input.npy`);
    const ref = readNpy(`${REF}/csnet-L-${v}.u2net_boat.logits.npy`);
    expect(inp.shape).toEqual([1, 3, 224, 224]);
    const diff = tf.tidy(() => {
      const x = tf.tensor4d(inp.data, [1, 3, 224, 224]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
      const y = m.forward(x)[0];
      return maxAbsDiff(y, tf.tensor4d(ref.data, [1, 1, 224, 224]).transpose([0, 2, 3, 1]));
    });
    expect(diff).toBeLessThan(1e-4);
    // the pruning pass keeps a released (already slim) model as it is
    const same = prune(m, 1e-20);
    expect(same.config).toEqual(m.config);
    m.dispose();
    same.dispose();
  });
});

describe('prune', () => {
  beforeAll(() => useBackend('wasm'));

  it('removes channels whose BN |γ| is below the threshold and keeps the function when they carry nothing', () => {
    const m = createModel('csnet-x1-base', { rng: new Rng(3) });
    m.eval();
    // Large running variances keep the ×100 convs finite through random-init eval-mode BNs.
    const x = testImages(5, 1, 32, 32);
    for (const [, mod] of m.modules()) {
      if ('runningVar' in mod) {
        const bn = mod as unknown as { runningVar: tf.Variable; runningMean: tf.Variable };
        bn.runningVar.assign(tf.fill(bn.runningVar.shape, 1e4));
      }
    }
    // Silence channel 1 of stage1.0's high branch and channel 0 of the fuse's 2nd branch: γ = β = 0 there and
    // the following depthwise BNs map 0 to 0 (β = mean = 0), so these channels contribute nothing.
    const kill = (prefix: string, c: number) => {
      for (const [k, v] of m.stateDict()) {
        if (k.startsWith(prefix) && /\.(weight|bias|running_mean)$/.test(k)) {
          const a = v.arraySync() as number[];
          a[c] = 0;
          v.assign(tf.tensor1d(a));
        }
      }
    };
    kill('stage1.0.conv1x1.bns.0.', 1);
    kill('stage1.0.conv3x3_1.bns.0.', 1);
    kill('stage1.0.conv3x3_2.bns.0.', 1);
    kill('oct_fuse.fuse.bns.1.', 0);
    const slim = prune(m, 1e-20);
    expect(slim.config.blocks[1]).toEqual([9, 10]);
    expect(slim.config.fuse).toEqual(baseConfig(20).fuse.map((w, i) => (i === 1 ? w - 1 : w)));
    expect(slim.config.msDil).toEqual(baseConfig(20).msDil);
    // stage1.0 lost 1 channel: conv1x1 (10 in + 10 in → ·1 out) 20 + BN/PReLU 3 + two depthwise (9 + 3) each;
    // stage1.1's conv1x1 lost 1 input row (20 weights); the fuse lost 80 inputs→1 output row (80) + 3 and the ms conv of branch 1 lost 9·(its 5 dilation widths).
    const msIn1 = baseConfig(20).msDil[1].reduce((a, b) => a + b, 0);
    expect(m.countParams() - slim.countParams()).toBe(20 + 3 + 2 * 12 + 20 + (40 + 80 + 80) + 3 + 9 * msIn1);
    const d = tf.tidy(() => maxAbsDiff(m.forward(x)[0], slim.forward(x)[0]));
    expect(Number.isFinite(d)).toBe(true);
    expect(d).toBeLessThan(1e-4);
    m.dispose();
    slim.dispose();
    x.dispose();
  });
});

describe('CSNet dynamic-weight-decay pairs', () => {
  it('a forward reports (γ, post-BN-PReLU activation) for every branch of the 3 sub-layers of every ILBlock', async () => {
    await useBackend('cpu');
    const m = createModel('csnet-l-x1', { rng: new Rng(3) });
    const before = tf.memory().numTensors;
    const n = tf.tidy(() => {
      const { pairs } = collectDwdPairs(() => m.forward(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D));
      for (const p of pairs) expect(p.activation.shape[3]).toBe(p.gamma.shape[0]);
      return pairs.length;
    });
    expect(tf.memory().numTensors).toBe(before);
    // 18 ILBlocks × 3 sub-layers × branches: 2 branches everywhere except the 3 single-branch stage ends.
    expect(n).toBe((18 - 3) * 3 * 2 + 3 * 3 * 1);
    m.dispose();
  });
});
