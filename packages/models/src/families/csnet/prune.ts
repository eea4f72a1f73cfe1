import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import type { BatchNorm2d } from '@kd/nn';
import { blockNames, csfInputBlocks, type CsnetConfig } from './config.ts';
import { Csnet } from './csnet.ts';
import type { ModuleList } from '../../layers/module-list.ts';

/** Channels kept per branch: |γ| ≥ threshold for each BN of the list (empty for an absent branch). */
function keepMasks(bns: ModuleList<BatchNorm2d>, widths: readonly number[], threshold: number): boolean[][] {
  return widths.map((c, j) => (c > 0 ? Array.from(bns.at(j).weight.dataSync(), (g) => Math.abs(g) >= threshold) : []));
}

const indices = (mask: boolean[]): number[] => mask.flatMap((k, i) => (k ? [i] : []));
const count = (mask: boolean[]): number => mask.filter(Boolean).length;

/**
 * CSNet's "learnable channel numbers" step (official `finetune_model` + `build_model_with_weight`):
 * every gOctaveCBR / MS block keeps the output channels whose BN |γ| ≥ `threshold` (official
 * 1e-20); the depthwise layers of an ILBlock follow their conv1x1's channels; the next layer's
 * inputs and `cls_layer` follow. Returns a new, slimmer Csnet (same registry name, `config`
 * holding the surviving widths) carrying the surviving weights and BN statistics. Channels with
 * γ = 0 still emit PReLU(β), so the output changes unless β (and the following BN inputs) are 0 too.
 */
export function prune(model: Csnet, threshold = 1e-20): Csnet {
  const cfg = model.config;
  const blockMask = model.blocks.map((b) => keepMasks(b.conv1x1.bns, b.outs, threshold));
  const head = model.octFuse;
  const fuseMask = keepMasks(head.fuse.bns, cfg.fuse, threshold);
  const msMask = cfg.msDil.map((d, i) => {
    const ms = head.ms.convs.items[i];
    return ms ? Array.from(ms.bn.weight.dataSync(), (g) => Math.abs(g) >= threshold) : [];
  });
  const fuse1x1Mask = keepMasks(head.fuse1x1.bns, [cfg.fuse1x1], threshold);
  const csfIdx = csfInputBlocks(cfg);
  const csfInMask = csfIdx.map((b) => blockMask[b][0]);
  const msDil = cfg.msDil.map((dil, i) => {
    let off = 0;
    return dil.map((c) => count(msMask[i].slice(off, (off += c))));
  });
  const next: CsnetConfig = {
    blocks: blockMask.map((m) => m.map(count)),
    stages: [...cfg.stages],
    fuse: fuseMask.map(count),
    msDil,
    fuse1x1: count(fuse1x1Mask[0]),
  };
  const slim = new Csnet(model.name, new Rng(1, 'prune'), next);

  const names = blockNames(cfg);
  const inMaskOf = (b: number): boolean[] => (b === 0 ? [true, true, true] : blockMask[b - 1].flat());
  const old = model.stateDict();
  const assigned = new Set<string>();
  const copy = (key: string, gathers: [axis: number, mask: boolean[]][]) => {
    const src = old.get(key);
    const dst = slim.stateDict().get(key);
    if (!src || !dst) throw new Error(`prune: internal error, no tensor '${key}'`);
    tf.tidy(() => {
      let t: tf.Tensor = src;
      for (const [axis, mask] of gathers) t = tf.gather(t, indices(mask), axis);
      dst.assign(t);
    });
    assigned.add(key);
  };
  const perChannel = (prefix: string, mask: boolean[]) => {
    for (const key of slim.stateDict().keys()) if (key.startsWith(prefix)) copy(key, [[0, mask]]);
  };

  names.forEach((name, b) => {
    copy(`${name}.conv1x1.conv.weight`, [
      [2, inMaskOf(b)],
      [3, blockMask[b].flat()],
    ]);
    blockMask[b].forEach((mask, j) => {
      if (next.blocks[b][j] === 0) return;
      perChannel(`${name}.conv1x1.bns.${j}.`, mask);
      perChannel(`${name}.conv1x1.prelus.${j}.`, mask);
      for (const sub of ['conv3x3_1', 'conv3x3_2']) {
        copy(`${name}.${sub}.convs.${j}.weight`, [[2, mask]]);
        perChannel(`${name}.${sub}.bns.${j}.`, mask);
        perChannel(`${name}.${sub}.prelus.${j}.`, mask);
      }
    });
  });
  copy('oct_fuse.fuse.conv.weight', [
    [2, csfInMask.flat()],
    [3, fuseMask.flat()],
  ]);
  fuseMask.forEach((mask, j) => {
    if (next.fuse[j] === 0) return;
    perChannel(`oct_fuse.fuse.bns.${j}.`, mask);
    perChannel(`oct_fuse.fuse.prelus.${j}.`, mask);
  });
  cfg.msDil.forEach((dil, i) => {
    if (!slim.octFuse.ms.convs.items[i]) return;
    let off = 0;
    dil.forEach((c, d) => {
      const seg = msMask[i].slice(off, (off += c));
      if (next.msDil[i][d] > 0)
        copy(`oct_fuse.ms.convs.${i}.msconv.${d}.weight`, [
          [2, fuseMask[i]],
          [3, seg],
        ]);
    });
    perChannel(`oct_fuse.ms.convs.${i}.bn.`, msMask[i]);
    perChannel(`oct_fuse.ms.convs.${i}.prelu.`, msMask[i]);
  });
  copy('oct_fuse.fuse1x1.conv.weight', [
    [2, msMask.flat()],
    [3, fuse1x1Mask[0]],
  ]);
  perChannel('oct_fuse.fuse1x1.bns.0.', fuse1x1Mask[0]);
  perChannel('oct_fuse.fuse1x1.prelus.0.', fuse1x1Mask[0]);
  copy('cls_layer.weight', [[2, fuse1x1Mask[0]]]);
  copy('cls_layer.bias', []);

  const unset = [...slim.stateDict().keys()].filter((k) => !assigned.has(k));
  if (unset.length) throw new Error(`prune: internal error, tensors not copied: ${unset.join(', ')}`);
  slim.train(model.training);
  return slim;
}
