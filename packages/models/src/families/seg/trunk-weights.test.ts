import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKeys } from '../../io/load-safetensors.ts';
import { encodeSafetensors } from '../../io/safetensors.ts';
import { createModel } from '../../registry.ts';
import { hashStateDict } from '../torchvision/testing/hash-weights.ts';
import { segTrunkKey } from './backbone-weights.ts';
import type { DeepLabV3 } from './deeplabv3.ts';
import type { FcnMobileNetV2 } from './fcn.ts';

/**
 * The segmentation models' `weights` option loads torchvision's ImageNet trunk into `backbone`:
 * checked structurally against torchvision's real state_dict key lists (../torchvision/fixtures,
 * torchvision 0.14) and by loading the hash weights of those lists.
 */
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'torchvision', 'fixtures');
const keysOf = (m: string): [string, number[]][] =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, m, 'keys.json'), 'utf8')).keys;

let tmp = '';
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});
const fileOf = (trunk: string, seed: number) => {
  tmp ||= fs.mkdtempSync(path.join(os.tmpdir(), 'kd-seg-trunk-'));
  const st = hashStateDict(keysOf(trunk), seed);
  const file = path.join(tmp, `${trunk}-${seed}.safetensors`);
  fs.writeFileSync(file, encodeSafetensors(st));
  return { st, file };
};

/**
 * [model, trunk file, torchvision tensors, dropped on purpose: classifier (2) + BN counters, and
 * for MobileNetV2 the 1280-channel `features.18` conv + BN (5 tensors) DeepLab-style trunks end before].
 */
const CASES: [string, string, number, number][] = [
  ['deeplabv3-r18', 'resnet18', 122, 2 + 20],
  ['deeplabv3plus-r101', 'resnet101', 626, 2 + 104],
  ['fcn-mbv2-os16', 'mobilenetv2', 314, 2 + 52 + 5],
];
// deeplabv3-r50/r101 and deeplabv3plus-r50 build the same ResNet class with the depths checked here and in ../torchvision (CI time).

describe('segmentation trunks take torchvision ImageNet weights', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(CASES)(
    '%s ← %s: every trunk tensor filled, %i file tensors, %i dropped on purpose',
    (name, trunk, n, dropped) => {
      const keys = keysOf(trunk);
      expect(keys).toHaveLength(n);
      const m = createModel(name, { rng: new Rng(1), numClasses: 19 }) as DeepLabV3;
      const match = checkKeys(m.backbone, keys, { mapping: segTrunkKey });
      expect(match.problems).toBeNull();
      expect(match.dropped).toHaveLength(dropped);
      expect(match.dropped.every((k) => /^(fc|classifier|features\.18)\.|num_batches_tracked$/.test(k))).toBe(true);
      expect(match.pairs).toHaveLength(m.backbone.stateDict().size);
      m.dispose();
    },
  );

  it('deeplabv3-r18 (os 8, atrous layer3/4) loads resnet18 weights into the trunk', () => {
    const { st, file } = fileOf('resnet18', 3);
    const m = createModel('deeplabv3-r18', { rng: new Rng(1), numClasses: 19, weights: file }) as DeepLabV3;
    expect(m.weightsInit.policy).toBe('file');
    expect(Array.from(m.backbone.stateDict().get('layer4.1.bn2.running_var')!.dataSync())).toEqual(
      Array.from(st.get('layer4.1.bn2.running_var')!.data),
    );
    // conv OIHW [512,512,3,3] → HWIO [3,3,512,512]: element (o=5, i=7, kh=0, kw=0)
    expect(m.backbone.stateDict().get('layer4.1.conv2.weight')!.dataSync()[7 * 512 + 5]).toBe(
      st.get('layer4.1.conv2.weight')!.data[5 * 512 * 9 + 7 * 9],
    );
    m.dispose();
  });

  it('fcn-mbv2-os8 loads a full torchvision mobilenetv2 file (features.18 and the classifier skipped)', () => {
    const { st, file } = fileOf('mobilenetv2', 4);
    const m = createModel('fcn-mbv2-os8', { rng: new Rng(1), numClasses: 21, weights: file }) as FcnMobileNetV2;
    expect(m.weightsInit.policy).toBe('file');
    expect(Array.from(m.backbone.stateDict().get('features.17.conv.1.1.running_mean')!.dataSync())).toEqual(
      Array.from(st.get('features.17.conv.1.1.running_mean')!.data),
    );
    m.dispose();
  });

  it('a narrowed model refuses the full-width file naming the trunk key; a missing file names the trunk', () => {
    const { file } = fileOf('resnet18', 3);
    expect(() => createModel('deeplabv3-r18', { rng: new Rng(1), width: 0.125, weights: file })).toThrow(
      /wrong shape .*conv1\.weight/,
    );
    expect(() =>
      createModel('deeplabv3-r18', { rng: new Rng(1), width: 0.125, weights: '/nonexistent/r18.safetensors' }),
    ).toThrow(/deeplabv3-r18: resnet18 trunk weights not found/);
  });
});
