import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkKeys } from '../../io/load-safetensors.ts';
import { createModel } from '../../registry.ts';
import { megviiYoloxKey } from './megvii-keymap.ts';
import './register.ts';

/**
 * The Megvii YOLOX key map against the official checkpoints' key/shape lists
 * (fixtures/megvii-<v>.keys.json, from the module tree rebuilt in
 * tools/reference/weights/megvii_yolox.py): every key of yolox_nano/tiny/s.pth consumed (BN
 * counters dropped on purpose), every kdlab tensor filled, every shape reconciled.
 */
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');

describe('Megvii YOLOX key map', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([
    ['nano', 642, 104],
    ['tiny', 462, 74],
    ['s', 462, 74],
  ])('yolox-%s: %i official keys, %i BN counters dropped, the rest fill the model exactly', (v, total, counters) => {
    const { keys } = JSON.parse(fs.readFileSync(path.join(FIXTURES, `megvii-${v}.keys.json`), 'utf8')) as {
      keys: [string, number[]][];
    };
    expect(keys).toHaveLength(total);
    expect(keys[0][0]).toBe('backbone.backbone.stem.conv.conv.weight');
    const m = createModel(`yolox-${v}`, { rng: new Rng(1) });
    const match = checkKeys(m, keys, { mapping: megviiYoloxKey });
    expect(match.problems).toBeNull();
    expect(match.dropped).toHaveLength(counters);
    expect(match.pairs).toHaveLength(m.stateDict().size);
    m.dispose();
  });

  it('maps each kind of key', () => {
    expect(megviiYoloxKey('backbone.backbone.dark5.1.conv2.bn.running_var')).toBe(
      'backbone.dark5.1.conv2.bn.running_var',
    );
    expect(megviiYoloxKey('backbone.C3_n4.m.0.conv2.dconv.conv.weight')).toBe(
      'neck.bottom_up_blocks.1.m.0.conv2.dconv.conv.weight',
    );
    expect(megviiYoloxKey('backbone.bu_conv1.conv.weight')).toBe('neck.downsamples.1.conv.weight');
    expect(megviiYoloxKey('head.stems.2.bn.bias')).toBe('neck.out_convs.2.bn.bias');
    expect(megviiYoloxKey('head.reg_convs.1.0.conv.weight')).toBe('bbox_head.1.reg_convs.0.conv.weight');
    expect(megviiYoloxKey('head.obj_preds.0.bias')).toBe('bbox_head.0.conv_obj.bias');
    expect(megviiYoloxKey('head.cls_preds.2.weight')).toBe('bbox_head.2.conv_cls.weight');
    expect(megviiYoloxKey('backbone.backbone.stem.conv.bn.num_batches_tracked')).toBeNull();
  });
});
