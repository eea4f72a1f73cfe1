import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module, type ForwardOptions, type TapSpec } from '@kd/nn';
import { IMAGENET_NORMALIZATION, type DetectionModel } from '../../model.ts';
import { CspDarknet } from './cspdarknet.ts';
import { DecoupledHead } from './head.ts';
import { Pafpn } from './pafpn.ts';
import { postprocess, type DetBox, type PostprocessOptions } from './postprocess.ts';
import { makePriors, type Priors } from './priors.ts';
import { YOLOX_STRIDES, type YoloxVariant } from './variants.ts';
import { yoloxLoss, type DetTarget, type YoloxLossOptions, type YoloxLossParts } from './yolox-loss.ts';

export interface YoloxOptions extends YoloxVariant {
  numClasses: number;
}

/**
 * YOLOX, anchor-free one-stage detector (Ge et al. 2021; mmdet 2.x `YOLOX` as used by FSD):
 * CSPDarknet (Focus stem, CSP stages, SPP) → PAFPN (outputs at strides 8/16/32, ⌊256·width⌋
 * channels each) → decoupled head. Input [N,H,W,3] normalised RGB, H and W multiples of 32.
 * `forward` returns the raw head maps per level, [N,H/s,W/s,4+1+K] for s = 8, 16, 32, channels
 * [dx, dy, log w, log h, obj, cls_1..K] (see `decodeBoxes`). Taps `neck.p3/p4/p5` are the three
 * neck outputs (mmdet `neck.out_convs.0/1/2`), what FSD distils.
 */
export class Yolox extends Module implements DetectionModel {
  readonly task = 'det' as const;
  readonly inputMultiple = 32;
  readonly defaultInputSize = 640;
  readonly strides = YOLOX_STRIDES;
  readonly taps: TapSpec[];
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly backbone: CspDarknet;
  readonly neck: Pafpn;
  readonly head: DecoupledHead;
  readonly numClasses: number;
  readonly neckChannels: number;
  private priorCache = new Map<string, Priors>();

  /** What `createModel(name, {rng, ...buildOptions})` needs to rebuild it (used by saveModel/loadModel). */
  get buildOptions(): Record<string, unknown> {
    return { ...this.options };
  }

  constructor(
    readonly name: string,
    rng: Rng,
    readonly options: YoloxOptions,
  ) {
    super();
    const { depth, width, depthwise, numClasses } = options;
    if (!(Number.isInteger(numClasses) && numClasses >= 1))
      throw new Error(`${name}: numClasses must be a positive integer, got ${numClasses}`);
    this.numClasses = numClasses;
    this.backbone = this.child('backbone', new CspDarknet(rng.fork('backbone'), depth, width, depthwise));
    this.neckChannels = Math.floor(256 * width);
    this.neck = this.child(
      'neck',
      new Pafpn(rng.fork('neck'), this.backbone.channels, this.neckChannels, depth, depthwise),
    );
    this.head = this.child('bbox_head', new DecoupledHead(rng.fork('head'), this.neckChannels, numClasses, depthwise));
    this.taps = YOLOX_STRIDES.map((s, i) => ({ name: `neck.p${i + 3}`, channels: this.neckChannels, stride: s }));
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    const [, h, w] = x.shape;
    if (h % 32 || w % 32) throw new Error(`${this.name}: input H and W must be multiples of 32, got ${h}×${w}`);
    const feats = this.neck.forward(this.backbone.forward(x));
    feats.forEach((f, i) => opts.recorder?.record(`neck.p${i + 3}`, f));
    return feats.map((f, i) => this.head.at(i).forward(f));
  }

  /** The anchor points of an input of [height, width] (cached). */
  priors(height: number, width: number): Priors {
    const key = `${height}x${width}`;
    let p = this.priorCache.get(key);
    if (!p) this.priorCache.set(key, (p = makePriors(height, width, this.strides)));
    return p;
  }

  /** YOLOX loss of a forward's outputs against per-image targets (see `yoloxLoss`). */
  loss(outputs: readonly tf.Tensor4D[], targets: readonly DetTarget[], opts?: YoloxLossOptions): YoloxLossParts {
    const [, h3, w3] = outputs[0].shape;
    return yoloxLoss(outputs, this.priors(h3 * this.strides[0], w3 * this.strides[0]), targets, opts);
  }

  /** Eval-mode forward + decode + score threshold + class-aware NMS; one list of boxes per image. */
  detect(x: tf.Tensor4D, opts: PostprocessOptions = {}): DetBox[][] {
    const [, h, w] = x.shape;
    const wasTraining = this.training;
    this.eval();
    try {
      const outs = tf.tidy(() => this.forward(x));
      const dets = postprocess(outs, this.priors(h, w), { clipTo: [h, w], ...opts });
      tf.dispose(outs);
      return dets;
    } finally {
      this.train(wasTraining);
    }
  }
}
