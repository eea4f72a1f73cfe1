import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { profileKernels } from './kernel-times.ts';

describe('profileKernels', () => {
  beforeAll(() => useBackend('cpu'));

  it('counts outermost kernel calls per run (nested ones go to their caller) and restores runKernel', async () => {
    const a = tf.ones([64, 64]);
    const engine = tf.engine() as unknown as { runKernel: unknown };
    const original = engine.runKernel;
    const before = tf.memory().numTensors;
    const p = await profileKernels(() => {
      tf.tidy(() => {
        const y = tf.add(a, a);
        tf.mul(y, y).dataSync();
        tf.square(a); // one 'Square' kernel
      });
    }, 3);
    expect(engine.runKernel).toBe(original);
    expect(tf.memory().numTensors).toBe(before);
    expect(p.runs).toBe(3);
    expect(Object.fromEntries(p.kernels.map((k) => [k.kernel, k.calls]))).toEqual({ Add: 1, Multiply: 1, Square: 1 });
    expect(p.kernel_ms).toBeCloseTo(
      p.kernels.reduce((s, k) => s + k.ms, 0),
      9,
    );
    expect(p.total_ms).toBeGreaterThanOrEqual(p.kernel_ms);
    a.dispose();
  });

  it('restores runKernel when the run throws', async () => {
    const engine = tf.engine() as unknown as { runKernel: unknown };
    const original = engine.runKernel;
    let n = 0;
    await expect(
      profileKernels(() => {
        if (n++ > 0) throw new Error('boom');
      }, 2),
    ).rejects.toThrow('boom');
    expect(engine.runKernel).toBe(original);
  });
});
