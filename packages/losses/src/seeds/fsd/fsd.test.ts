import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, type Box } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { FsdLevelLoss } from './fsd.ts';
import { fsdAttention } from './fsd-attention.ts';
import { backgroundMask, gaussianForegroundMask } from './fsd-masks.ts';
import {
  allFinite,
  assignFsdWeights,
  checkGradient,
  expectClose,
  expectNoLeak,
  golden,
  t4,
  value,
} from '../../test-helpers.ts';

const g = golden('fsd');
let student: tf.Tensor4D, teacher: tf.Tensor4D;
const opts = () => ({ imageSize: g.imageSize as [number, number], featureSize: g.featureSize as [number, number] });

/** An FSD module carrying the golden weights (align 4→6, conv_mask_t, both MLPs). */
function goldenModule(components = {}): FsdLevelLoss {
  const m = new FsdLevelLoss(new Rng(1), { studentChannels: 4, teacherChannels: 6, components });
  return assignFsdWeights(m, g.weights);
}

beforeAll(async () => {
  await useBackend('cpu');
  student = t4(g.student); // [2,8,8,4]
  teacher = t4(g.teacher); // [2,8,8,6]
});

describe('FSD vs PyTorch goldens (official SFC.py semantics)', () => {
  it.each(['literal', 'intended'] as const)('%s Gaussian foreground mask', (mode) => {
    const m = gaussianForegroundMask(g.boxes as Box[][], { ...opts(), mode });
    expect(tf.max(tf.abs(tf.sub(m, tf.tensor(g[mode])))).dataSync()[0]).toBeLessThan(1e-7);
    m.dispose();
  });

  it('in-box value is 1/((h+1)(w+1)) cells, the ring decays, outside is 0', () => {
    const m = gaussianForegroundMask([[[16, 16, 32, 32]]], {
      imageSize: [64, 64],
      featureSize: [16, 16],
    }).arraySync()[0];
    expect(m[5][5]).toBeCloseTo(1 / 25, 7); // box cells 4..8 → 5×5 (inclusive ceil)
    expect(m[4][8]).toBeCloseTo(1 / 25, 7);
    expect(m[2][6]).toBeGreaterThan(0); // ring: 2 cells above
    expect(m[2][6]).toBeLessThan(1 / 25);
    expect(m[0][0]).toBe(0);
    expect(m[12][12]).toBe(0);
  });

  it.each(['literal', 'intended'] as const)('full level loss with %s mask', (mode) => {
    const m = goldenModule();
    const fg = tf.tensor3d(g[mode]);
    const out = m.forward({ student, teacher, foreground: fg });
    const e = g.expected[mode];
    expectClose(out.foreground.dataSync()[0], e.fg, 1e-4, 1e-6);
    expectClose(out.background.dataSync()[0], e.bg, 1e-4, 1e-6);
    expectClose(out.attention.dataSync()[0], e.attention, 1e-5);
    expectClose(out.relation.dataSync()[0], e.relation, 1e-5);
    expectClose(out.total.dataSync()[0], e.total, 1e-4);
    tf.dispose([out, fg]);
    m.dispose();
  });

  it('background mask sums to 1 per image; empty foreground → uniform background', () => {
    const fg = gaussianForegroundMask([[], [[0, 0, 30, 30]]], opts());
    const bg = backgroundMask(fg);
    const sums = tf.sum(bg, [1, 2]).dataSync();
    expectClose(sums[0], 1);
    expectClose(sums[1], 1);
    expect(tf.max(fg.slice([0, 0, 0], [1, -1, -1])).dataSync()[0]).toBe(0);
    tf.dispose([fg, bg]);
  });

  it('attention maps average to 1', () => {
    const { spatial, channel } = fsdAttention(teacher, 0.5);
    expectClose(tf.mean(spatial).dataSync()[0], 1);
    expectClose(tf.mean(channel).dataSync()[0], 1);
    tf.dispose([spatial, channel]);
  });

  it('empty foreground and zero student are finite with finite gradients; components switch off', () => {
    const m = goldenModule();
    const empty = gaussianForegroundMask([[], []], opts());
    for (const s of [student, tf.zerosLike(student) as tf.Tensor4D]) {
      const out = m.forward({ student: s, teacher, foreground: empty });
      expect(Number.isFinite(out.total.dataSync()[0])).toBe(true);
      expect(out.foreground.dataSync()[0]).toBeCloseTo(0, 6);
      tf.dispose(out);
      const gr = tf.grad((x) => m.forward({ student: x as tf.Tensor4D, teacher, foreground: empty }).total)(s);
      expect(allFinite(gr)).toBe(true);
      gr.dispose();
    }
    const fgOnly = goldenModule({ background: false, attention: false, relation: false });
    const fg = tf.tensor3d(g.intended);
    const out = fgOnly.forward({ student, teacher, foreground: fg });
    expect(out.total.dataSync()[0]).toBeCloseTo(out.foreground.dataSync()[0], 6);
    expect(out.relation.dataSync()[0]).toBe(0);
    tf.dispose([out, fg, empty]);
    m.dispose();
    fgOnly.dispose();
  });

  it('gradient w.r.t. the student feature matches finite differences', () => {
    const m = goldenModule();
    const fg = tf.tensor3d(g.intended);
    checkGradient((x) => m.forward({ student: x as tf.Tensor4D, teacher, foreground: fg }).total, student, {
      h: 1e-2,
      rtol: 5e-2,
      atol: 1e-3,
    });
    fg.dispose();
    m.dispose();
  });

  it('trains the student side without NaN and does not leak', () => {
    const m = new FsdLevelLoss(new Rng(5), { studentChannels: 4, teacherChannels: 6 });
    const s = tf.variable(student.clone());
    const fg = tf.tensor3d(g.literal);
    const opt = tf.train.adam(1e-2);
    const loss = () => m.forward({ student: s as unknown as tf.Tensor4D, teacher, foreground: fg }).total;
    const l0 = value(loss());
    for (let i = 0; i < 10; i++) opt.minimize(loss, false, [s, ...m.trainableVariables()]);
    const l1 = value(loss());
    expect(Number.isFinite(l1)).toBe(true);
    expect(l1).toBeLessThan(l0);
    expectNoLeak(() => m.forward({ student, teacher, foreground: fg }));
    tf.dispose([s, fg]);
    opt.dispose();
    m.dispose();
  });

  it('errors name both tensors and shapes', () => {
    const m = new FsdLevelLoss(new Rng(1), { studentChannels: 4, teacherChannels: 6 });
    const fg = tf.zeros([2, 8, 8]) as tf.Tensor3D;
    expect(() => m.forward({ student: teacher, teacher, foreground: fg })).toThrow(
      /student \[2,8,8,6\] and teacher \[2,8,8,6\] must be \[N,H,W,4\]/,
    );
    expect(() => m.forward({ student, teacher, foreground: tf.zeros([2, 4, 4]) as tf.Tensor3D })).toThrow(
      /foreground mask \[2,4,4\]/,
    );
    expect(() => gaussianForegroundMask([[[10, 10, 5, 20]]], opts())).toThrow(/x2 >= x1/);
    fg.dispose();
    m.dispose();
  });
});
