import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { withTaps } from '@kd/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, listModels } from './index.ts';
import csnetCounts from './families/csnet/param-counts.golden.json' with { type: 'json' };

/**
 * Exact trainable parameter counts. Sources: docs/methods/kd-scfnet.md#models (SCFNet student 788,298 / 800,154 with
 * BN statistics; R50 teacher 23,508,032 torchvision trunk + 2,585,476 decoder, 26.15M with stats),
 * tools/reference/models/csnet_param_counts.py (independent count from the official layer rules; matches the
 * released checkpoints' 93,647 / 140,894), torchvision MobileNetV2 3,504,872 − classifier
 * 1,281,000 − last conv+BN 412,160 + 1×1 classifier 320·21+21 = 1,818,453, and DeepLabV3+:
 * 23,508,032 + ASPP 15,535,104 + decoder 1,303,648 + classifier 5,397 = 40,352,181; on ResNet-101
 * (42,500,160) 59,344,309. DeepLabV3 = torchvision's deeplabv3_resnet{50,101} published totals
 * (42,004,074 / 60,996,202) minus the aux FCNHead (2,365,205): 39,638,869 (R50: same class, not
 * built here for CI time) / 58,630,997; on
 * ResNet-18: 11,176,512 + ASPP(512→256) 4,131,840 + head 590,336 + classifier 5,397 = 15,904,085.
 */
const PARAMS: Record<string, [trainable: number, withBuffers?: number]> = {
  'scfnet-mbv3-x0.5': [788_298, 800_154],
  'scfnet-r50': [26_093_508, 26_148_420],
  'csnet-l-x1': [csnetCounts['csnet-l-x1'], 93_647 + 4_274],
  'csnet-l-x2': [csnetCounts['csnet-l-x2'], 140_894 + 5_418],
  'csnet-x1-base': [csnetCounts['csnet-x1-base']],
  'csnet-x2-base': [csnetCounts['csnet-x2-base']],
  'fcn-mbv2-os8': [1_818_453],
  'fcn-mbv2-os16': [1_818_453],
  'fcn-mbv2-os32': [1_818_453],
  'deeplabv3plus-r50': [40_352_181],
  'deeplabv3plus-r101': [59_344_309],
  'deeplabv3-r18': [15_904_085],
  'deeplabv3-r101': [58_630_997],
};

describe('registered models', () => {
  beforeAll(() => useBackend('wasm'));

  it('has the issue’s names', () => {
    for (const n of Object.keys(PARAMS)) expect(listModels()).toContain(n);
    expect(listModels('csnet-*')).toEqual(['csnet-l-x1', 'csnet-l-x2', 'csnet-x1-base', 'csnet-x2-base']);
  });

  it('unknown names list the known ones', () => {
    expect(() => createModel('csnet-l-x3', { rng: new Rng(1) })).toThrow(/unknown model 'csnet-l-x3'.*csnet-l-x1/);
  });

  it.each(Object.entries(PARAMS))('%s has exactly the published parameter count', (name, [p, withBuf]) => {
    const m = createModel(name, { rng: new Rng(1), weights: 'none' });
    expect(m.countParams()).toBe(p);
    if (withBuf) expect(m.countParams() + m.namedBuffers().reduce((s, [, v]) => s + v.size, 0)).toBe(withBuf);
    m.dispose();
  });

  it.each(listModels())(
    '%s: declared taps match the recorded features; dense outputs at input size; no leak',
    (name) => {
      const seg = name.startsWith('fcn') || name.startsWith('deeplab');
      const m = createModel(name, { rng: new Rng(2), weights: 'none', ...(seg ? { width: 0.25, numClasses: 7 } : {}) });
      m.train(); // batch statistics: CSNet's ×100 convs overflow through random-init running stats
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.ones([2, 64, 64, 3]) as tf.Tensor4D;
        const { outputs, taps } = withTaps(
          m,
          m.taps.map((t) => t.name),
        )(x);
        const dense = m.task === 'sod' || m.task === 'seg'; // detection heads and backbone features have their own output contract
        if (dense) for (const o of outputs) expect(o.shape).toEqual([2, 64, 64, seg ? 7 : 1]);
        for (const t of m.taps)
          expect(taps[t.name].shape, t.name).toEqual([2, 64 / t.stride, 64 / t.stride, t.channels]);
        for (const o of outputs) expect(Number.isFinite(o.max().dataSync()[0])).toBe(true);
      });
      expect(tf.memory().numTensors).toBe(before + 0);
      expect(() => withTaps(m, ['nope'])).toThrow(/has no tap 'nope'/);
      m.dispose();
    },
  );

  it('rejects an input size that is not a multiple of the total stride', () => {
    const m = createModel('csnet-l-x1', { rng: new Rng(1) });
    expect(() => tf.tidy(() => m.forward(tf.zeros([1, 40, 40, 3]) as tf.Tensor4D))).toThrow(
      /multiples of 16, got 40×40/,
    );
    m.dispose();
  });
});
