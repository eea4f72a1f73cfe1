import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError, Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkKeys } from '../../io/load-safetensors.ts';
import { encodeSafetensors } from '../../io/safetensors.ts';
import { createModel } from '../../registry.ts';
import { torchvisionKey } from './keymap.ts';
import './register.ts';
import { hashStateDict } from './testing/hash-weights.ts';
import { weightsInitCell } from '../../io/weights-id.ts';

/**
 * The torchvision key maps, checked structurally against torchvision's own state_dict key/shape
 * lists (fixtures/<model>/keys.json, written by tools/reference/weights/make_torchvision_goldens.py
 * from torchvision 0.14): every key of the real ResNet-18/50/101 and MobileNetV2 is consumed or
 * dropped on purpose (classifier, num_batches_tracked), every model tensor is filled, every shape
 * matches through the layout rules. The numeric goldens are in experiments (taps.test.ts).
 */
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
interface Manifest {
  model: string;
  seed: number;
  taps: string[];
  data_sha256: string;
  keys: [string, number[]][];
}
const manifest = (m: string): Manifest => JSON.parse(fs.readFileSync(path.join(FIXTURES, m, 'keys.json'), 'utf8'));

/**
 * [model, tensors in torchvision's state_dict, dropped: classifier tensors + BN counters,
 * trainable parameters: torchvision's published totals minus the classifier — 11,689,512 −
 * 513,000; 25,557,032 − 2,049,000; 44,549,160 − 2,049,000; 3,504,872 − 1,281,000].
 */
const CASES: [string, number, number, number][] = [
  ['resnet18', 122, 2 + 20, 11_176_512],
  ['resnet50', 320, 2 + 53, 23_508_032],
  ['resnet101', 626, 2 + 104, 42_500_160],
  ['mobilenetv2', 314, 2 + 52, 2_223_872],
];

describe('torchvision key maps', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(CASES)(
    '%s: every torchvision key consumed or dropped on purpose, shapes match; %i tensors, %i dropped, %i parameters',
    (name, total, dropped, params) => {
      const { keys } = manifest(name);
      expect(keys).toHaveLength(total);
      const m = createModel(name, { rng: new Rng(1) });
      const match = checkKeys(m, keys, { mapping: torchvisionKey });
      expect(match.problems).toBeNull();
      expect(match.dropped).toHaveLength(dropped);
      expect(match.dropped.every((k) => /^(fc|classifier)\.|num_batches_tracked$/.test(k))).toBe(true);
      expect(match.pairs).toHaveLength(m.stateDict().size);
      expect(match.pairs.length + dropped).toBe(total);
      expect(m.countParams()).toBe(params);
      m.dispose();
    },
  );

  it.each(CASES)('%s: the hash weights are bit-identical to the Python reference', (name) => {
    const { keys, seed, data_sha256 } = manifest(name);
    const h = crypto.createHash('sha256');
    for (const t of hashStateDict(keys, seed).values()) h.update(new Uint8Array(t.data.buffer));
    expect(h.digest('hex')).toBe(data_sha256);
  });

  it('a file that does not match fails in one line naming the first three of each kind; nothing leaks', () => {
    const { keys } = manifest('resnet18');
    const st = hashStateDict(
      keys.filter(([k]) => !k.startsWith('layer4.1.')),
      1,
    );
    st.set('conv1.weight', { shape: [64, 3, 5, 5], data: new Float32Array(64 * 75) });
    st.set('layer4.1.conv3.weight', { shape: [1], data: new Float32Array(1) });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kd-tv-')), 'bad.safetensors');
    fs.writeFileSync(file, encodeSafetensors(st));
    const before = tf.memory().numTensors;
    let err: unknown;
    try {
      createModel('resnet18', { rng: new Rng(1), weights: file });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/bad\.safetensors: does not match the model; nothing loaded\. /);
    expect(msg).toContain(
      'missing from file (10): layer4.1.conv1.weight, layer4.1.bn1.weight, layer4.1.bn1.bias, … 7 more',
    );
    expect(msg).toContain('not in model (1): layer4.1.conv3.weight.');
    expect(msg).toContain('wrong shape (1): conv1.weight: file [64,3,5,5] vs model [7,7,3,64]');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a matching file loads (OIHW → HWIO) and records its policy and sha256 prefix', () => {
    const { keys, seed } = manifest('mobilenetv2');
    const st = hashStateDict(keys, seed);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kd-tv-')), 'mbv2.safetensors');
    const bytes = encodeSafetensors(st);
    fs.writeFileSync(file, bytes);
    const m = createModel('mobilenetv2', { rng: new Rng(1), weights: file });
    const sha = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    expect(m.weightsInit).toEqual({ policy: 'file', file, sha256: sha });
    expect(weightsInitCell(m.weightsInit)).toBe(`file:${sha}`);
    // features.18.0.weight: OIHW [1280,320,1,1] → HWIO [1,1,320,1280]; element (o=5, i=7)
    const w = m.stateDict().get('features.18.0.weight')!;
    expect(w.shape).toEqual([1, 1, 320, 1280]);
    expect(w.dataSync()[7 * 1280 + 5]).toBe(st.get('features.18.0.weight')!.data[5 * 320 + 7]);
    expect(Array.from(m.stateDict().get('features.3.conv.1.1.running_var')!.dataSync())).toEqual(
      Array.from(st.get('features.3.conv.1.1.running_var')!.data),
    );
    m.dispose();
  });

  it('names the weights file that is absent', () => {
    expect(() => createModel('mobilenetv2', { rng: new Rng(1), weights: '/nonexistent/mbv2.safetensors' })).toThrow(
      /mbv2\.safetensors: mobilenetv2 weights not found \(convert torchvision's \.pth as docs\/weights\.md shows\)/,
    );
  });
});
