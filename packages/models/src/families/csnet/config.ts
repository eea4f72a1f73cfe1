/**
 * CSNet architecture as data: branch widths of every layer (docs/methods/csnet.md#released-widths, official
 * `layer_config`). Branch i of a block lives at 1/2^i of the block's resolution; a width of 0
 * means the branch (or dilation conv) is absent.
 */
export interface CsnetConfig {
  /** Output branch widths of the ILBlocks in order: stage0.0, stage1.*, stage2.*, stage3.*, stage4.*. Inputs chain (the first takes [3]). */
  blocks: number[][];
  /** ILBlocks in stages 1–4 (stage0 has one). */
  stages: [number, number, number, number];
  /** CSF `fuse` gOctaveCBR 1×1 output widths; its inputs are the outputs of stages 2, 3, 4 as branches 0, 1, 2. */
  fuse: number[];
  /** CSF `ms` (PallMSBlock): output channels per fuse branch per dilation in DILATIONS. */
  msDil: number[][];
  /** CSF `fuse1x1` single-branch output width (the `cls_layer` input). */
  fuse1x1: number;
}

/** Dilations of the CSF multi-scale block. */
export const DILATIONS = [1, 2, 4, 8, 16] as const;

/** Learned (pruned) widths of the released csnet-L-x1 (checkpoint `layer_config`), 93,647 params. */
export const CSNET_L_X1: CsnetConfig = {
  blocks: [
    [8, 10],
    [9, 10],
    [10, 10],
    [10, 10],
    [19, 13],
    [19, 17],
    [20, 12],
    [34],
    [24, 21],
    [26, 27],
    [22, 18],
    [19, 18],
    [23, 18],
    [38],
    [18, 29],
    [25, 24],
    [26, 20],
    [50],
  ],
  stages: [3, 4, 6, 4],
  fuse: [12, 24, 24],
  msDil: [
    [1, 2, 2, 2, 4],
    [1, 4, 4, 4, 5],
    [2, 2, 4, 5, 4],
  ],
  fuse1x1: 60,
};

/** Learned widths of the released csnet-L-x2, 140,894 params. */
export const CSNET_L_X2: CsnetConfig = {
  blocks: [
    [13, 10],
    [13, 12],
    [18, 11],
    [18, 12],
    [28, 21],
    [34, 22],
    [31, 29],
    [51],
    [23, 26],
    [27, 26],
    [25, 20],
    [17, 21],
    [19, 25],
    [38],
    [18, 31],
    [31, 27],
    [26, 44],
    [64],
  ],
  stages: [3, 4, 6, 4],
  fuse: [17, 38, 32],
  msDil: [
    [2, 1, 2, 2, 1],
    [0, 6, 6, 7, 5],
    [0, 1, 3, 7, 7],
  ],
  fuse1x1: 79,
};

/**
 * The un-pruned starting widths for base width b (official `init_layers(b, [0.5, 0.5])`):
 * stages 0/1 [b/2, b/2]; stage 2 [b, b], last [2b]; stages 3 and 4 [2b, 2b], last [4b];
 * fuse [⌊2b/3⌋, ⌊4b/3⌋, ⌊4b/3⌋]; MS widths split evenly over 5 dilations, remainder on the last.
 */
export function baseConfig(b: number): CsnetConfig {
  const half = Math.round(b / 2);
  const stages: [number, number, number, number] = [3, 4, 6, 4];
  const blocks: number[][] = [[half, half]];
  for (let i = 0; i < stages[0]; i++) blocks.push([half, half]);
  for (let i = 0; i < stages[1]; i++) blocks.push(i === stages[1] - 1 ? [2 * b] : [b, b]);
  for (let i = 0; i < stages[2]; i++) blocks.push(i === stages[2] - 1 ? [4 * b] : [2 * b, 2 * b]);
  for (let i = 0; i < stages[3]; i++) blocks.push(i === stages[3] - 1 ? [4 * b] : [2 * b, 2 * b]);
  const fuse = [Math.floor((2 * b) / 3), Math.floor((4 * b) / 3), Math.floor((4 * b) / 3)];
  const msDil = fuse.map((w) => {
    const each = Math.floor(w / DILATIONS.length);
    return DILATIONS.map((_, i) => (i === DILATIONS.length - 1 ? w - each * (DILATIONS.length - 1) : each));
  });
  return { blocks, stages, fuse, msDil, fuse1x1: fuse.reduce((a, c) => a + c, 0) };
}

/** Dotted names of the ILBlocks in order (`stage0.0`, `stage1.0`, …). */
export function blockNames(cfg: CsnetConfig): string[] {
  const names = ['stage0.0'];
  cfg.stages.forEach((n, s) => {
    for (let i = 0; i < n; i++) names.push(`stage${s + 1}.${i}`);
  });
  return names;
}

/** Indices (into `blocks`) of the last block of stages 2, 3, 4 — the CSF inputs x2, x3, x4. */
export function csfInputBlocks(cfg: CsnetConfig): [number, number, number] {
  const [s1, s2, s3, s4] = cfg.stages;
  const end2 = s1 + s2;
  return [end2, end2 + s3, end2 + s3 + s4];
}

/** Checks the config is self-consistent; throws naming the offending entry. */
export function validateConfig(cfg: CsnetConfig): void {
  const n = 1 + cfg.stages.reduce((a, b) => a + b, 0);
  if (cfg.blocks.length !== n)
    throw new Error(`csnet config: ${cfg.blocks.length} blocks, stages ${cfg.stages.join(',')} need ${n}`);
  for (const i of csfInputBlocks(cfg)) {
    if (cfg.blocks[i].length !== 1)
      throw new Error(
        `csnet config: block ${blockNames(cfg)[i]} feeds the CSF head and must have one branch, got [${cfg.blocks[i].join(',')}]`,
      );
  }
  if (cfg.fuse.length !== 3 || cfg.msDil.length !== 3) throw new Error('csnet config: the CSF head has 3 branches');
  cfg.msDil.forEach((d, i) => {
    if (d.length !== DILATIONS.length) throw new Error(`csnet config: msDil[${i}] needs ${DILATIONS.length} entries`);
  });
}
