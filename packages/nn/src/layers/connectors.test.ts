import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import type { TapSpec } from '../taps.ts';
import { connectorFor } from './connectors.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('connectors from tap specs', () => {
  const s16: TapSpec = { name: 'student.x4', channels: 4, stride: 16 };
  const t8: TapSpec = { name: 'teacher.x3', channels: 6, stride: 8 };

  it('conv1x1 / conv-bn / resize / identity map shapes from the two taps', () => {
    const x = tf.ones([2, 3, 3, 4]) as tf.Tensor4D;
    for (const kind of ['conv1x1', 'conv-bn', 'auto'] as const) {
      const c = connectorFor(new Rng(1), s16, t8, kind);
      const y = c.forward(x);
      expect(y.shape).toEqual([2, 6, 6, 6]);
      tf.dispose(y);
      c.dispose();
    }
    expect(connectorFor(new Rng(1), s16, t8, 'conv-bn').countParams()).toBe(4 * 6 + 2 * 6);
    const r = connectorFor(new Rng(1), s16, { ...t8, channels: 4 });
    expect(r.kind).toBe('resize');
    const y = r.forward(x, tf.zeros([2, 5, 5, 4]) as tf.Tensor4D);
    expect(y.shape).toEqual([2, 5, 5, 4]);
    tf.dispose([x, y]);
  });

  it('mismatches name both taps and shapes', () => {
    expect(() => connectorFor(new Rng(1), s16, t8, 'resize')).toThrow(
      /student tap 'student.x4' \(4 ch @ stride 16\) onto teacher tap 'teacher.x3' \(6 ch @ stride 8\)/,
    );
    const c = connectorFor(new Rng(1), s16, t8);
    expect(() => c.forward(tf.zeros([2, 3, 3, 5]) as tf.Tensor4D)).toThrow(
      /student tensor \[2,3,3,5\] does not match student tap 'student.x4'/,
    );
    expect(() => c.forward(tf.zeros([2, 3, 3, 4]) as tf.Tensor4D, tf.zeros([2, 6, 6, 7]) as tf.Tensor4D)).toThrow(
      /teacher tensor \[2,6,6,7\] does not match teacher tap 'teacher.x3'.*student tensor \[2,3,3,4\]/,
    );
  });
});
