import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CATALOG,
  Csnet,
  MODELS,
  Yolox,
  createModel,
  isKdModel,
  isTask,
  listModels,
  type FcnMobileNetV2,
  type KdModel,
} from './index.ts';

/**
 * The typed catalog: the run-time table is exactly the declared definitions, and a literal name
 * gives its own class and options. The type-level lines are checked by `tsc` (this file is in the
 * package's typecheck), the rest by vitest.
 */
describe('typed model catalog', () => {
  beforeAll(() => useBackend('cpu'));

  it('registers every definition once, with its description, and nothing else', () => {
    expect(listModels()).toEqual(Object.keys(CATALOG).sort());
    expect(listModels()).toHaveLength(25);
    for (const [name, def] of Object.entries(CATALOG)) expect(MODELS.describe(name)).toBe(def.description);
  });

  it('a literal name returns its class; a run-time name the KdModel union, narrowed by task', () => {
    const rng = new Rng(1);
    const y: Yolox = createModel('yolox-nano', { rng, numClasses: 2, width: 0.125 });
    expect(y).toBeInstanceOf(Yolox);
    expect([y.task, y.numClasses, y.strides]).toEqual(['det', 2, [8, 16, 32]]);
    const c: Csnet = createModel('csnet-l-x1', { rng });
    expect(c.config).toBeDefined();
    // @ts-expect-error width is a number
    expect(() => createModel('fcn-mbv2-os8', { rng, width: 'wide' }).dispose()).toThrow(
      /fcn-mbv2-os8: width must be a number in \(0, 4\], got wide/,
    );
    const name: string = 'yolox-nano';
    const m: KdModel = createModel(name, { rng, numClasses: 3, width: 0.125 });
    expect(isKdModel(m)).toBe(true);
    expect(isTask(m, 'det') && m.numClasses).toBe(3);
    expect(isTask(m, 'sod')).toBe(false);
    const x = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D;
    if (isTask(m, 'det')) m.detect(x); // the first call caches the priors of 64×64
    const before = tf.memory().numTensors;
    const boxes = isTask(m, 'det') ? m.detect(x) : null;
    expect(boxes?.length).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    for (const x of [y, c, m]) x.dispose();
  });

  it('type-level: options are typed per name', () => {
    const rng = new Rng(2);
    const f: FcnMobileNetV2 = createModel('fcn-mbv2-os16', { rng, numClasses: 4, width: 0.25 });
    expect([f.task, f.numClasses, f.inputMultiple]).toEqual(['seg', 4, 16]);
    f.dispose();
    // @ts-expect-error a model needs a seeded rng
    expect(() => createModel('tinysod-s', {})).toThrow();
  });
});
