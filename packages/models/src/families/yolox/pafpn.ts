import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module, countingOps, reportOp } from '@kd/nn';
import { concatChannels } from '../../layers/ops.ts';
import { ModuleList } from '../../layers/module-list.ts';
import { BaseConv, convBlock, type DwConv } from './base-conv.ts';
import { CspLayer } from './csp-layer.ts';

/** Nearest-neighbour ×2 upsampling (PyTorch `Upsample(scale_factor=2, mode='nearest')`): [N,H,W,C] → [N,2H,2W,C]. */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const y = tf.tidy(
    () =>
      tf
        .mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]))
        .reshape([n, 2 * h, 2 * w, c]) as tf.Tensor4D,
  );
  if (countingOps()) reportOp({ kind: 'resize', name: 'nearest', macs: 0, flops: 0, outShape: y.shape });
  return y;
}

/**
 * YOLOX PAFPN (mmdet `YOLOXPAFPN`), inputs C3, C4, C5 with channels (c3, c4, c5), n = round(3·depth):
 *   top-down:  P5' = reduce0(C5) [c4];  T4 = CSP([up(P5') ‖ C4] → c4)
 *              P4' = reduce1(T4) [c3];  N3 = CSP([up(P4') ‖ C3] → c3)
 *   bottom-up: N4 = CSP([down(N3) ‖ P4'] → c4);  N5 = CSP([down(N4) ‖ P5'] → c5)
 *   outputs:   out_convs.i = 1×1 BaseConv(N_i → `outChannels`), at strides 8, 16, 32.
 * These three outputs are what FSD distils (mmdet `neck.out_convs.0/1/2`; taps `neck.p3/p4/p5`).
 */
export class Pafpn extends Module {
  readonly reduceLayers: ModuleList<BaseConv>;
  readonly topDownBlocks: ModuleList<CspLayer>;
  readonly downsamples: ModuleList<BaseConv | DwConv>;
  readonly bottomUpBlocks: ModuleList<CspLayer>;
  readonly outConvs: ModuleList<BaseConv>;

  constructor(
    rng: Rng,
    inChannels: [number, number, number],
    readonly outChannels: number,
    depth: number,
    depthwise: boolean,
  ) {
    super();
    const [c3, c4, c5] = inChannels;
    const n = Math.max(Math.round(3 * depth), 1);
    this.reduceLayers = this.child('reduce_layers', new ModuleList<BaseConv>());
    this.reduceLayers.push(new BaseConv(rng, c5, c4, { kernel: 1 }));
    this.reduceLayers.push(new BaseConv(rng, c4, c3, { kernel: 1 }));
    this.topDownBlocks = this.child('top_down_blocks', new ModuleList<CspLayer>());
    this.topDownBlocks.push(new CspLayer(rng, 2 * c4, c4, n, false, depthwise));
    this.topDownBlocks.push(new CspLayer(rng, 2 * c3, c3, n, false, depthwise));
    this.downsamples = this.child('downsamples', new ModuleList<BaseConv | DwConv>());
    this.downsamples.push(convBlock(rng, c3, c3, 3, 2, depthwise));
    this.downsamples.push(convBlock(rng, c4, c4, 3, 2, depthwise));
    this.bottomUpBlocks = this.child('bottom_up_blocks', new ModuleList<CspLayer>());
    this.bottomUpBlocks.push(new CspLayer(rng, 2 * c3, c4, n, false, depthwise));
    this.bottomUpBlocks.push(new CspLayer(rng, 2 * c4, c5, n, false, depthwise));
    this.outConvs = this.child('out_convs', new ModuleList<BaseConv>());
    for (const c of inChannels) this.outConvs.push(new BaseConv(rng, c, outChannels, { kernel: 1 }));
  }

  /** [C3, C4, C5] → [P3 [N,H/8,W/8,out], P4 [N,H/16,W/16,out], P5 [N,H/32,W/32,out]]. */
  forward([x3, x4, x5]: [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    const p5r = this.reduceLayers.at(0).forward(x5);
    const t4 = this.topDownBlocks.at(0).forward(concatChannels([upsampleNearest2x(p5r), x4]));
    const p4r = this.reduceLayers.at(1).forward(t4);
    const n3 = this.topDownBlocks.at(1).forward(concatChannels([upsampleNearest2x(p4r), x3]));
    const n4 = this.bottomUpBlocks.at(0).forward(concatChannels([this.downsamples.at(0).forward(n3), p4r]));
    const n5 = this.bottomUpBlocks.at(1).forward(concatChannels([this.downsamples.at(1).forward(n4), p5r]));
    return [n3, n4, n5].map((t, i) => this.outConvs.at(i).forward(t)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  }
}
