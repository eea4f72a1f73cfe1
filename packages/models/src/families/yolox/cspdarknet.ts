import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Module } from '@kd/nn';
import { ModuleList } from '../../layers/module-list.ts';
import { convBlock } from './base-conv.ts';
import { CspLayer } from './csp-layer.ts';
import { Focus } from './focus.ts';
import { SppBottleneck } from './spp.ts';

/**
 * YOLOX CSPDarknet trunk (Megvii `CSPDarknet`, mmdet `CSPDarknet` with Focus stem and SPP).
 * b = ⌊64·width⌋, d = max(round(3·depth), 1):
 *   stem  Focus(3 → b)                                   stride 2
 *   dark2 conv3×3 s2 (b → 2b), CSP(2b, n = d)             stride 4
 *   dark3 conv3×3 s2 (2b → 4b), CSP(4b, n = 3d)           stride 8   → C3
 *   dark4 conv3×3 s2 (4b → 8b), CSP(8b, n = 3d)           stride 16  → C4
 *   dark5 conv3×3 s2 (8b → 16b), SPP, CSP(16b, n = d, no shortcut)  stride 32 → C5
 * x [N,H,W,3] → [C3 [N,H/8,W/8,4b], C4 [N,H/16,W/16,8b], C5 [N,H/32,W/32,16b]].
 */
export class CspDarknet extends Module {
  readonly stem: Focus;
  readonly stages: ModuleList<Module & { forward(x: tf.Tensor4D): tf.Tensor4D }>[] = [];
  readonly channels: [number, number, number];

  constructor(rng: Rng, depth: number, width: number, depthwise: boolean) {
    super();
    const b = Math.floor(64 * width);
    const d = Math.max(Math.round(3 * depth), 1);
    this.stem = this.child('stem', new Focus(rng, 3, b, 3));
    const stage = (name: string, cin: number, cout: number, n: number, last: boolean) => {
      const s = this.child(name, new ModuleList<Module & { forward(x: tf.Tensor4D): tf.Tensor4D }>());
      s.push(convBlock(rng, cin, cout, 3, 2, depthwise));
      if (last) s.push(new SppBottleneck(rng, cout, cout));
      s.push(new CspLayer(rng, cout, cout, n, !last, depthwise));
      this.stages.push(s);
    };
    stage('dark2', b, 2 * b, d, false);
    stage('dark3', 2 * b, 4 * b, 3 * d, false);
    stage('dark4', 4 * b, 8 * b, 3 * d, false);
    stage('dark5', 8 * b, 16 * b, d, true);
    this.channels = [4 * b, 8 * b, 16 * b];
  }

  forward(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] {
    let h = this.stem.forward(x);
    const outs: tf.Tensor4D[] = [];
    this.stages.forEach((s, i) => {
      for (const m of s.items) h = m!.forward(h);
      if (i >= 1) outs.push(h);
    });
    return outs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  }
}
