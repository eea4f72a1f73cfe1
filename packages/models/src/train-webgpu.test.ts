import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { initBackend, probeDawn, releaseWebGpu } from '@kd/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from './index.ts';
import { inputTarget, taskLoss, testImages } from './testing/train-step.ts';

/**
 * A training step of TinySOD and CSNet on the webgpu backend, on Dawn's null adapter
 * (KD_DAWN_BACKEND=null): every command is accepted and dispatched, nothing is computed. So this
 * checks that the whole step (forward, our custom gradients, tfjs's webgpu backward kernels,
 * Adam) runs on webgpu with the composed graphs in place of the wasm-only Kd* kernels, returns
 * tensors of the right shapes, and frees everything; never values (scripts/device-check.sh
 * compares webgpu with cpu on a GPU).
 */
const probe = probeDawn(['backend=null']);
const skip = probe.adapter ? '' : `no Dawn null adapter here (${probe.reason})`;

describe.skipIf(skip)(`a training step on webgpu (Dawn null adapter)${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const saved = process.env.KD_DAWN_BACKEND;
  beforeAll(async () => {
    process.env.KD_DAWN_BACKEND = 'null';
    const info = await initBackend({ backend: 'webgpu', quiet: true });
    expect(info.label).toBe('webgpu-null');
  });
  afterAll(() => {
    releaseWebGpu();
    if (saved === undefined) delete process.env.KD_DAWN_BACKEND;
    else process.env.KD_DAWN_BACKEND = saved;
  });

  const CASES: [string, Record<string, unknown>, string[]][] = [
    ['tinysod-s', {}, ['Conv2DBackpropFilter', 'Conv2DBackpropInput']],
    [
      'csnet-x1-base',
      {},
      ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
    ],
  ];
  for (const [name, opts, backward] of CASES) {
    it(`${name}: one Adam step (BN in train mode) dispatches on webgpu and frees everything`, async () => {
      expect(tf.getBackend()).toBe('webgpu');
      const before = tf.memory().numTensors;
      const model = createModel(name, { rng: new Rng(7), ...opts });
      model.train(true);
      const vars = model.trainableVariables();
      const shapes = vars.map((v) => v.shape);
      const x = testImages(3, 2, 32, 32);
      const outShape = tf.tidy(() => model.forward(x)[0].shape);
      expect(outShape).toEqual([2, 32, 32, 1]);
      const target = inputTarget(x, outShape, 16, 'binary');
      const opt = tf.train.adam(1e-3);
      const prof = await tf.profile(
        () => opt.minimize(() => taskLoss(model.forward(x), target), true, vars) as tf.Scalar,
      );
      const loss = prof.result as tf.Scalar;
      expect(loss.shape).toEqual([]);
      expect((await loss.data()).length).toBe(1);
      for (const k of backward) expect(prof.kernelNames, `${name}: backward kernel ${k}`).toContain(k);
      expect(
        prof.kernelNames.filter((k) => k.startsWith('Kd')),
        'wasm-only Kd* kernels',
      ).toEqual([]);
      expect(prof.kernelNames).not.toContain('ResizeBilinearGrad');
      expect(model.trainableVariables().map((v) => v.shape)).toEqual(shapes);
      tf.dispose([loss, x, target]);
      opt.dispose();
      model.dispose();
      expect(tf.memory().numTensors, 'tensors left').toBe(before);
    });
  }
});
