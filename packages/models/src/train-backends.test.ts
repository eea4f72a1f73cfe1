import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { describe, expect, it } from 'vitest';
import { createModel, listModels, loadSafetensors, sharedWeightsFile } from './index.ts';
import {
  assignBuffers,
  calibrateBatchNorm,
  denseMseLoss,
  evalLoss,
  inputTarget,
  readBuffers,
  sgdStep,
  taskLoss,
  testImages,
  type OutputsLoss,
} from './testing/train-step.ts';

/**
 * Every model family trains the same on wasm and on cpu: from the same seeded init, the same
 * image (1×32×32) and target, 2 SGD steps give the same 3 losses (before, between, after) to
 * 1e-4, the loss drops by > 0.05 (500× the tolerance, so the steps matter), and a whole run
 * (build, steps, dispose) leaves no tensor behind on either backend.
 *
 * BN runs on frozen statistics (eval mode, fine-tuning). In batch-stat mode at random init with
 * tiny inputs the gradients are ill-conditioned (BN over a few values: a 1e-6 input change moves
 * FCN's gradient by ~3 %), so the backends' float-order differences (~1e-7) would dominate.
 * The frozen statistics are one of:
 * - `init` (mean 0, var 1: BN is the identity): FCN, DeepLabV3+, SCFNet-R50, YOLOX. Their logits
 *   start large, so the first steps have a lot to remove; the backends agree to 1e-5 or better.
 * - `calibrated`: the statistics of one train-mode forward (momentum 1) of a fixed 4×64×64 batch,
 *   computed once on wasm and loaded into both backends' models. CSNet's base configs need it:
 *   through init statistics their ×100 convs overflow (NaN loss). TinySOD (logits start at ~0
 *   and barely move: drop 0.004) and SCFNet-MBv3 (loss 12, erratic steps) train cleanly with it.
 *   The statistics are shared rather than computed per backend because a random-init BN net in
 *   train mode amplifies float-order noise layer by layer: calibrated separately, csnet-x1-base's
 *   running variances differ by 1e-3 between backends and some gradients by 18 %; with shared
 *   statistics all its gradients agree to 3e-5. ResNets stay on `init`: calibrated, their
 *   backward pass explodes (stem gradient ~1e3) and needs lr ~1e-6.
 * - `official`: CSNet's released weights and statistics (../shared/weights; skipped when absent).
 * Targets depend on the input (16×16 block colours; see `inputTarget`), so the steps really fit
 * something: sigmoid BCE for SOD, softmax CE for segmentation, MSE per head level for YOLOX.
 * Batch 1 and two steps (the third loss is a plain forward) keep each case to a few seconds: the
 * cpu backend's Conv2DBackpropFilter runs at a few M MAC/s, so the cpu half dominates every case.
 */
interface ParityCase {
  model: string;
  /** What the test title says about the configuration. */
  what: string;
  opts?: Record<string, unknown>;
  lr: number;
  bn: 'init' | 'calibrated' | 'official';
  /** Shared-weights file for `official`. */
  weights?: string;
  /** 'dense': MSE per output against input-derived maps (detectors' head levels, backbones' stages). */
  target?: 'dense';
}

const SIZE = 32;
const TOLERANCE = 1e-4;
const MIN_DROP = 0.05;
const TARGET_CELL = 16;

const SEG = { width: 0.25, numClasses: 5 };
const CASES: ParityCase[] = [
  { model: 'tinysod-s', what: 'width 8', lr: 0.1, bn: 'calibrated' },
  { model: 'scfnet-mbv3-x0.5', what: 'random backbone', opts: { weights: 'none' }, lr: 0.3, bn: 'calibrated' },
  {
    model: 'scfnet-r50',
    what: '⅛-width trunk, C 8',
    opts: { backboneWidth: 0.125, channels: 8 },
    lr: 2e-4,
    bn: 'init',
  },
  {
    model: 'deeplabv3plus-r50',
    what: '⅛ width, 3 classes, os 16',
    opts: { width: 0.125, numClasses: 3, outputStride: 16 },
    lr: 3e-4,
    bn: 'init',
  },
  {
    model: 'deeplabv3-r18',
    what: '⅛ width, 3 classes, os 8',
    opts: { width: 0.125, numClasses: 3 },
    lr: 3e-4,
    bn: 'init',
  },
  { model: 'fcn-mbv2-os8', what: '¼ width, 5 classes', opts: SEG, lr: 5e-3, bn: 'init' },
  { model: 'fcn-mbv2-os16', what: '¼ width, 5 classes', opts: SEG, lr: 5e-3, bn: 'init' },
  { model: 'fcn-mbv2-os32', what: '¼ width, 5 classes', opts: SEG, lr: 5e-3, bn: 'init' },
  { model: 'csnet-x1-base', what: 'un-pruned base width 20', lr: 1e-3, bn: 'calibrated' },
  { model: 'csnet-l-x1', what: 'released weights', lr: 3e-6, bn: 'official', weights: 'csnet-L-x1.safetensors' },
  { model: 'csnet-l-x2', what: 'released weights', lr: 5e-6, bn: 'official', weights: 'csnet-L-x2.safetensors' },
  { model: 'yolox-nano', what: 'depthwise, 2 classes', opts: { numClasses: 2 }, lr: 0.1, bn: 'init' },
  { model: 'yolox-tiny', what: 'width 0.125, 2 classes', opts: { numClasses: 2, width: 0.125 }, lr: 0.1, bn: 'init' },
  {
    model: 'resnet18',
    what: '⅛ width, stages layer1…layer4',
    opts: { width: 0.125 },
    lr: 0.05,
    bn: 'init',
    target: 'dense',
  },
  {
    model: 'resnet50',
    what: '⅛ width, stages layer1…layer4',
    opts: { width: 0.125 },
    lr: 5e-4,
    bn: 'init',
    target: 'dense',
  },
  {
    model: 'mobilenetv2',
    what: '¼ width, six feature taps',
    opts: { width: 0.25 },
    lr: 0.05,
    bn: 'init',
    target: 'dense',
  },
];

/**
 * Registered models by family: members share one class and its code paths and differ only in
 * sizes (width, depth, stride, learned config), so one case covers the family.
 */
const FAMILIES: Record<string, string[]> = {
  tinysod: ['tinysod-s', 'tinysod-l'],
  'scfnet-mbv3': ['scfnet-mbv3-x0.5'],
  'scfnet-r50': ['scfnet-r50'],
  deeplabv3plus: ['deeplabv3plus-r50', 'deeplabv3plus-r101'],
  deeplabv3: ['deeplabv3-r18', 'deeplabv3-r50', 'deeplabv3-r101'],
  'fcn-mbv2': ['fcn-mbv2-os8', 'fcn-mbv2-os16', 'fcn-mbv2-os32'],
  csnet: ['csnet-x1-base', 'csnet-x2-base', 'csnet-l-x1', 'csnet-l-x2'],
  'yolox-depthwise': ['yolox-nano'],
  yolox: ['yolox-tiny', 'yolox-s', 'yolox-m', 'yolox-l'],
  'resnet-basic': ['resnet18'],
  'resnet-bottleneck': ['resnet50', 'resnet101'],
  mobilenetv2: ['mobilenetv2'],
};

const build = (c: ParityCase) => createModel(c.model, { rng: new Rng(7), ...c.opts });

/** BN statistics of a `calibrated` case: computed once (on wasm), loaded into both backends' models. */
async function calibration(c: ParityCase): Promise<Map<string, Float32Array>> {
  await useBackend('wasm');
  const model = build(c);
  const x = testImages(5, 4, 64, 64);
  calibrateBatchNorm(model, x);
  const stats = readBuffers(model);
  x.dispose();
  model.dispose();
  return stats;
}

async function train(backend: 'cpu' | 'wasm', c: ParityCase, stats?: Map<string, Float32Array>) {
  await useBackend(backend);
  const before = tf.memory().numTensors;
  const model = build(c);
  if (c.weights) loadSafetensors(model, sharedWeightsFile(c.weights));
  if (stats) assignBuffers(model, stats);
  model.eval();
  const x = testImages(3, 1, SIZE, SIZE);
  const shapes = tf.tidy(() => model.forward(x).map((o) => o.shape));
  let targets: tf.Tensor4D[];
  let loss: OutputsLoss;
  if (model.task === 'det' || c.target === 'dense') {
    targets = shapes.map((s) => inputTarget(x, s, SIZE / s[1], 'dense'));
    loss = (outs) => denseMseLoss(outs, targets);
  } else {
    targets = [inputTarget(x, shapes[0], TARGET_CELL, shapes[0][3] === 1 ? 'binary' : 'onehot')];
    loss = (outs) => taskLoss(outs, targets[0]);
  }
  const opt = tf.train.sgd(c.lr);
  const losses = [sgdStep(model, opt, x, loss), sgdStep(model, opt, x, loss), evalLoss(model, x, loss)];
  tf.dispose([x, ...targets]);
  model.dispose();
  opt.dispose();
  return { losses, leaked: tf.memory().numTensors - before };
}

async function expectSameTraining(c: ParityCase) {
  const stats = c.bn === 'calibrated' ? await calibration(c) : undefined;
  const wasm = await train('wasm', c, stats);
  const cpu = await train('cpu', c, stats);
  expect(wasm.leaked, 'tensors left on wasm').toBe(0);
  expect(cpu.leaked, 'tensors left on cpu').toBe(0);
  const diffs = wasm.losses.map((l, i) => Math.abs(l - cpu.losses[i]));
  expect(Math.max(...diffs), `losses wasm ${wasm.losses.join(', ')} vs cpu ${cpu.losses.join(', ')}`).toBeLessThan(
    TOLERANCE,
  );
  expect(cpu.losses[0] - cpu.losses[2], `it trains: losses ${cpu.losses.join(', ')}`).toBeGreaterThan(MIN_DROP);
}

const title = (c: ParityCase) => `${c.model} (${c.what}, ${c.bn} BN): 2 SGD steps`;
const present = (c: ParityCase) => !c.weights || fs.existsSync(sharedWeightsFile(c.weights));

describe('training on cpu and wasm gives the same losses', () => {
  for (const c of CASES)
    it.skipIf(!present(c))(title(c) + (c.weights ? ' (needs ../shared/weights)' : ''), () => expectSameTraining(c));

  it('every registered model belongs to a family with a parity case here', () => {
    const familyOf = new Map(Object.entries(FAMILIES).flatMap(([f, names]) => names.map((n) => [n, f] as const)));
    const registered = listModels();
    const missing = registered.filter((n) => !familyOf.has(n));
    expect(
      missing,
      `models without a cpu/wasm training parity case: ${missing.join(', ')} (add a case to train-backends.test.ts, or list them in FAMILIES under the family whose case covers them)`,
    ).toEqual([]);
    const stale = [...familyOf.keys()].filter((n) => !registered.includes(n));
    expect(stale, 'FAMILIES lists names that are not registered').toEqual([]);
    // Each family needs a case that always runs (not one that depends on ../shared/weights).
    const covered = new Set(CASES.filter((c) => !c.weights).map((c) => familyOf.get(c.model)));
    const uncovered = Object.keys(FAMILIES).filter((f) => !covered.has(f));
    expect(uncovered, `families without a case that runs without ../shared/weights: ${uncovered.join(', ')}`).toEqual(
      [],
    );
  });
});
