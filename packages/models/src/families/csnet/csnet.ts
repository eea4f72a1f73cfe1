import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@kd/core';
import { Conv2d, Module, type ForwardOptions, type TapSpec } from '@kd/nn';
import { ModuleList } from '../../layers/module-list.ts';
import { upsample } from '../../layers/ops.ts';
import { IMAGENET_NORMALIZATION, assertInputSize, type SodModel } from '../../model.ts';
import { blockNames, csfInputBlocks, validateConfig, type CsnetConfig } from './config.ts';
import { CsfHead } from './csf-head.ts';
import type { Branches } from './goct-conv.ts';
import { IlBlock } from './il-block.ts';

/**
 * CSNet (Gao et al., "Highly Efficient SOD with 100K Parameters", docs/methods/csnet.md).
 * x [N,H,W,3] (ImageNet-normalised; H, W multiples of 16) → [logits [N,H,W,1]].
 * stage0 (one ILBlock, 3×3, stride 1) and stage1 keep full resolution; the first block of stages
 * 2, 3, 4 has stride 2; the last block of stages 2–4 has one branch and feeds the CSF head
 * (x2, x3, x4 at strides 2, 4, 8); `cls_layer` 1×1 (bias, not ×100) → bilinear (half-pixel) to H×W.
 * State-dict names are the official ones, so the released checkpoints load without a mapping.
 * Taps: x2, x3, x4 (CSF inputs) and `fuse` (CSF output, stride 2).
 */
export class Csnet extends Module implements SodModel {
  readonly task = 'sod' as const;
  readonly inputMultiple = 16;
  readonly defaultInputSize = 224;
  readonly normalization = IMAGENET_NORMALIZATION;
  readonly taps: TapSpec[];
  readonly buildOptions: Record<string, unknown>;
  readonly blocks: IlBlock[] = [];
  readonly octFuse: CsfHead;
  readonly cls: Conv2d;

  constructor(
    readonly name: string,
    rng: Rng,
    readonly config: CsnetConfig,
  ) {
    super();
    validateConfig(config);
    this.buildOptions = { config };
    const names = blockNames(config);
    const stageLists = [0, 1, 2, 3, 4].map((s) => this.child(`stage${s}`, new ModuleList<IlBlock>()));
    let ins: number[] = [3];
    config.blocks.forEach((outs, b) => {
      const [stage, idx] = names[b].slice(5).split('.').map(Number);
      const stride = stage >= 2 && idx === 0 ? 2 : 1;
      this.blocks.push(stageLists[stage].push(new IlBlock(rng, ins, outs, stride, b === 0)));
      ins = outs;
    });
    const csfIn = csfInputBlocks(config).map((b) => config.blocks[b][0]);
    this.octFuse = this.child('oct_fuse', new CsfHead(rng, csfIn, config));
    this.cls = this.child('cls_layer', new Conv2d(rng, config.fuse1x1, 1, { kernel: 1, padding: 0, bias: true }));
    this.taps = [
      ...csfIn.map((c, i) => ({ name: `x${i + 2}`, channels: c, stride: 2 ** (i + 1) })),
      { name: 'fuse', channels: config.fuse1x1, stride: 2 },
    ];
  }

  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): tf.Tensor4D[] {
    assertInputSize(this, x.shape);
    const rec = opts.recorder;
    const csfIdx = csfInputBlocks(this.config);
    const csfIn: Branches = [];
    let h: Branches = [x];
    this.blocks.forEach((blk, b) => {
      h = blk.forward(h);
      const k = csfIdx.indexOf(b);
      if (k >= 0) {
        csfIn.push(h[0]);
        if (h[0]) rec?.record(`x${k + 2}`, h[0]);
      }
    });
    const fused = this.octFuse.forward(csfIn);
    rec?.record('fuse', fused);
    return [upsample(this.cls.forward(fused), [x.shape[1], x.shape[2]])];
  }
}
