import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Rng, useBackend } from '@kd/core';
import { describe, expect, it } from 'vitest';
import { createModel, loadSafetensors, sharedWeightsFile } from './index.ts';
import { sgdStep, testImages, testTarget } from './testing/train-step.ts';

/**
 * The same 3 SGD steps on wasm and on cpu give the same losses (to 1e-4) and the same loss drop
 * (to 5 %), with no tensor leak. BN runs on frozen statistics (fine-tuning mode): in batch-stat
 * mode at random init with tiny inputs these nets' gradients are ill-conditioned (BN over a few
 * values: a 1e-6 input change moves FCN's gradient by ~3 %), so the backends' float-order
 * differences (~1e-7) would dominate. CSNet needs real statistics (its ×100 convs overflow
 * through random-init running stats), hence the official weights. Two models cover the op set:
 * gOctConv slicing, pools, upsampling, PReLU, ×100 depthwise/dilated convs (CSNet); strided and
 * atrous depthwise, ReLU6, residual adds, classifier (FCN-MobileNetV2). SCFNet/DeepLab reuse those
 * core layers; a cpu-backend step of them costs 10–20 s on the shared cores, so they are left out.
 */
async function threeSteps(backend: 'cpu' | 'wasm', name: string, opts: Record<string, unknown>, size: number, lr: number, weights?: string) {
  await useBackend(backend);
  const model = createModel(name, { rng: new Rng(7), ...opts });
  if (weights) loadSafetensors(model, weights);
  model.eval();
  const x = testImages(3, 2, size, size);
  const target = testTarget(4, [2, size, size, tf.tidy(() => model.forward(x)[0].shape[3])]);
  const opt = tf.train.sgd(lr);
  const losses = [sgdStep(model, opt, x, target)];
  const before = tf.memory().numTensors;
  losses.push(sgdStep(model, opt, x, target), sgdStep(model, opt, x, target));
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, target]);
  model.dispose();
  opt.dispose();
  return { losses, leaked };
}

async function expectSameTraining(name: string, opts: Record<string, unknown>, size: number, lr: number, weights?: string) {
  const wasm = await threeSteps('wasm', name, opts, size, lr, weights);
  const cpu = await threeSteps('cpu', name, opts, size, lr, weights);
  expect(wasm.leaked).toBe(0);
  expect(cpu.leaked).toBe(0);
  for (let i = 0; i < 3; i++) expect(Math.abs(wasm.losses[i] - cpu.losses[i])).toBeLessThan(1e-4);
  const drop = (l: number[]) => l[0] - l[2];
  expect(drop(cpu.losses)).toBeGreaterThan(0.05); // it trains, by far more than the tolerance
  expect(Math.abs(drop(wasm.losses) - drop(cpu.losses))).toBeLessThan(0.05 * drop(cpu.losses));
}

describe('training on cpu and wasm gives the same losses', () => {
  it('fcn-mbv2-os16 (¼ width, 5 classes, 32²): 3 SGD steps', async () => {
    await expectSameTraining('fcn-mbv2-os16', { width: 0.25, numClasses: 5 }, 32, 1e-2);
  });
});

const CSNET_WEIGHTS = sharedWeightsFile('csnet-L-x1.safetensors');
describe.skipIf(!fs.existsSync(CSNET_WEIGHTS))('training csnet on cpu and wasm (needs ../shared/weights)', () => {
  it('csnet-l-x1 (official weights, 32²): 3 SGD steps', async () => {
    await expectSameTraining('csnet-l-x1', {}, 32, 1e-6, CSNET_WEIGHTS);
  });
});
