import { Csnet, prune, type CsnetConfig } from '@kd/models';

/**
 * Trainable parameters implied by a CSNet width config, summed layer by layer (an independent
 * check of the pruned model): each ILBlock k²·Σin·Σout (gOctConv, no bias; k = 3 for the first
 * and stride-2 blocks) + 2 depthwise 3×3 (9·Σout) + 3 BN/PReLU (3·Σout each); CSF fuse 1×1 + BN/PReLU;
 * per MS branch the dilated 3×3 convs + BN/PReLU; fuse1x1 + BN/PReLU; cls 1×1 with bias.
 */
export function csnetParamCount(cfg: CsnetConfig): number {
  const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);
  let n = 0,
    ins = 3,
    b = 0;
  const strided = new Set<number>();
  let first = 1;
  cfg.stages.forEach((count, s) => {
    if (s >= 1) strided.add(first);
    first += count;
  });
  for (const outs of cfg.blocks) {
    const out = sum(outs);
    const k = b === 0 || strided.has(b) ? 3 : 1;
    n += k * k * ins * out + 2 * 9 * out + 3 * 3 * out;
    ins = out;
    b++;
  }
  const ends = [cfg.stages[0] + cfg.stages[1], cfg.stages[0] + cfg.stages[1] + cfg.stages[2], sum(cfg.stages)];
  const csfIn = sum(ends.map((e) => sum(cfg.blocks[e])));
  const fuse = sum(cfg.fuse);
  n += csfIn * fuse + 3 * fuse;
  cfg.msDil.forEach((dil, i) => (n += 9 * cfg.fuse[i] * sum(dil) + 3 * sum(dil)));
  const ms = sum(cfg.msDil.map(sum));
  n += ms * cfg.fuse1x1 + 3 * cfg.fuse1x1 + cfg.fuse1x1 + 1;
  return n;
}

/** Fraction of ILBlock conv1x1 BN γ (the ones pruning looks at) with |γ| below each bound. */
export function gammaStats(model: Csnet): Record<string, number> {
  const g = model.blocks.flatMap((blk) =>
    blk.conv1x1.bns.items.flatMap((bn) => (bn ? Array.from(bn.weight.dataSync(), Math.abs) : [])),
  );
  const below = (t: number) => g.filter((v) => v < t).length / g.length;
  const sorted = [...g].sort((a, b) => a - b);
  return {
    gamma_median: sorted[sorted.length >> 1],
    gamma_min: sorted[0],
    below_1e_20: below(1e-20),
    below_1e_6: below(1e-6),
    below_1e_3: below(1e-3),
    below_1e_2: below(1e-2),
  };
}

/**
 * Pruning stage: removes the channels whose ILBlock BN |γ| is below `threshold` (`prune` copies
 * the surviving weights) and checks the slim model's parameter count against its widths.
 */
export function pruneCsnet(model: Csnet, threshold: number): Csnet {
  const slim = prune(model, threshold);
  const expected = csnetParamCount(slim.config);
  if (slim.countParams() !== expected)
    throw new Error(`csnet prune: pruned model has ${slim.countParams()} parameters, its widths imply ${expected}`);
  return slim;
}
