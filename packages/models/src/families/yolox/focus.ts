import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module } from '@kd/nn';
import { BaseConv } from './base-conv.ts';

/**
 * Space-to-depth in YOLOX's channel order: [N,H,W,C] → [N,H/2,W/2,4C] with the four phases
 * (top-left, bottom-left, top-right, bottom-right) = x[::2,::2], x[1::2,::2], x[::2,1::2],
 * x[1::2,1::2] concatenated along channels, i.e. out[n,i,j,(2·dx+dy)·C+c] = x[n,2i+dy,2j+dx,c].
 */
export function spaceToDepthFocus(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (h % 2 || w % 2) throw new Error(`Focus: input H and W must be even, got ${h}×${w}`);
  return tf.tidy(
    () =>
      tf
        .transpose(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [0, 1, 3, 4, 2, 5])
        .reshape([n, h / 2, w / 2, 4 * c]) as tf.Tensor4D,
  );
}

/** YOLOX `Focus` stem: space-to-depth then a k×k BaseConv 4·cin → cout. [N,H,W,3] → [N,H/2,W/2,cout]. */
export class Focus extends Module {
  readonly conv: BaseConv;

  constructor(rng: Rng, cin: number, cout: number, kernel = 3) {
    super();
    this.conv = this.child('conv', new BaseConv(rng, 4 * cin, cout, { kernel }));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv.forward(spaceToDepthFocus(x)));
  }
}
