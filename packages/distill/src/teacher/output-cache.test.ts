import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDirs } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { TeacherOutputCache } from './output-cache.ts';

const temp = scratchDirs();
afterAll(temp.removeAll);

const entry = (v: number) => ({ outputs: [tf.fill([1, 4, 4, 2], v) as tf.Tensor4D], taps: {} });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TeacherOutputCache bounded by maxBytes', () => {
  it('evicts the least recently used entry before a write would exceed the bound; a hit refreshes an entry; an entry larger than the bound is not cached', async () => {
    await useBackend('cpu');
    const dir = temp.make('kdlab-lru-');
    const probe = new TeacherOutputCache(temp.make('kdlab-lru-size-'), 't');
    const e0 = entry(0);
    probe.put('x', e0);
    const size = probe.bytes; // header + 32 floats
    expect(size).toBe(4 + JSON.stringify({ outputs: [[1, 4, 4, 2]], taps: {} }).length + 4 * 32);
    const cache = new TeacherOutputCache(dir, 't', 2.5 * size);
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
    ] as const) {
      const e = entry(v);
      cache.put(k, e);
      tf.dispose(e.outputs);
      await sleep(20);
    }
    const hit = cache.get('a')!; // a is now newer than b
    tf.dispose(hit.outputs);
    await sleep(20);
    const c = entry(3);
    cache.put('c', c);
    expect([cache.evictions, cache.bytes]).toEqual([1, 2 * size]);
    const got = ['a', 'b', 'c'].map((k) => {
      const o = cache.get(k);
      const v = o ? o.outputs[0].dataSync()[0] : null;
      if (o) tf.dispose(o.outputs);
      return v;
    });
    expect(got).toEqual([1, null, 3]);
    const tiny = new TeacherOutputCache(temp.make('kdlab-lru-tiny-'), 't', size - 1);
    tiny.put('a', c);
    expect([tiny.bytes, tiny.get('a')]).toEqual([0, null]);
    // a new process over the same folder counts what is there
    expect(new TeacherOutputCache(dir, 't', 2.5 * size).bytes).toBe(2 * size);
    tf.dispose([...e0.outputs, ...c.outputs]);
  });
});
