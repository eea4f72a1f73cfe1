"""CSNet-L-x1 (Gao et al., docs/methods/csnet.md) in PyTorch, NCHW, for timing only.

Same layer shapes as @kd/models `csnet-l-x1` (93,647 trainable parameters): gOctConv ILBlocks
with the released learned widths, Conv2dX100 (forward uses 100*W) for plain/depthwise/dilated
convs, BN + PReLU per branch, and the CSF head (dilations 1, 2, 4, 8, 16). Random weights.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

DILATIONS = (1, 2, 4, 8, 16)
CSNET_L_X1 = dict(
    blocks=[[8, 10], [9, 10], [10, 10], [10, 10], [19, 13], [19, 17], [20, 12], [34], [24, 21], [26, 27],
            [22, 18], [19, 18], [23, 18], [38], [18, 29], [25, 24], [26, 20], [50]],
    stages=[3, 4, 6, 4],
    fuse=[12, 24, 24],
    ms_dil=[[1, 2, 2, 2, 4], [1, 4, 4, 4, 5], [2, 2, 4, 5, 4]],
    fuse1x1=60,
)


def up(x, f):
    return F.interpolate(x, scale_factor=f, mode='bilinear', align_corners=False)


class GOctConv(nn.Module):
    """Branch i at 1/2^i resolution; output j = sum_i of conv(W[j,i]) with avg-pool (stride 2),
    max-pool (finer input) or bilinear upsample (coarser input). One branch in and out: 100*W."""

    def __init__(self, ins, outs, k, stride=1):
        super().__init__()
        self.ins, self.outs, self.k, self.stride = ins, outs, k, stride
        self.pad = (k - 1) // 2
        self.weight = nn.Parameter(torch.empty(sum(outs), sum(ins), k, k).uniform_(-0.1, 0.1))
        self.in_off = [sum(ins[:i]) for i in range(len(ins))]
        self.out_off = [sum(outs[:j]) for j in range(len(outs))]
        self.plain = len(ins) == 1 and len(outs) == 1

    def forward(self, xs):
        if self.plain:
            return [F.conv2d(xs[0], self.weight * 100, None, self.stride, self.pad)]
        sums = [None] * len(self.outs)
        for i, xi in enumerate(xs):
            if xi is None or self.ins[i] == 0:
                continue
            x = F.avg_pool2d(xi, 2) if self.stride == 2 else xi
            for j, co in enumerate(self.outs):
                if co == 0:
                    continue
                w = self.weight[self.out_off[j]:self.out_off[j] + co, self.in_off[i]:self.in_off[i] + self.ins[i]]
                if i > j:
                    y = up(F.conv2d(x, w, None, 1, self.pad), 2 ** (i - j))
                elif i < j:
                    y = F.conv2d(F.max_pool2d(x, 2 ** (j - i)), w, None, 1, self.pad)
                else:
                    y = F.conv2d(x, w, None, 1, self.pad)
                sums[j] = y if sums[j] is None else sums[j] + y
        return sums


def bn_prelu(c):
    return nn.Sequential(nn.BatchNorm2d(c), nn.PReLU(c)) if c > 0 else None


class GOctaveCbr(nn.Module):
    def __init__(self, ins, outs, k, stride=1):
        super().__init__()
        self.conv = GOctConv(ins, outs, k, stride)
        self.norms = nn.ModuleList([bn_prelu(c) or nn.Identity() for c in outs])

    def forward(self, xs):
        return [None if y is None else n(y) for y, n in zip(self.conv(xs), self.norms)]


class DwX100(nn.Conv2d):
    """Conv2dX100: the forward pass uses 100*W."""

    def forward(self, x):
        return self._conv_forward(x, self.weight * 100, self.bias)


class SimplifiedGOctConvBr(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.widths = widths
        self.convs = nn.ModuleList([DwX100(c, c, 3, 1, 1, groups=c, bias=False) if c else nn.Identity() for c in widths])
        self.norms = nn.ModuleList([bn_prelu(c) or nn.Identity() for c in widths])

    def forward(self, xs):
        return [None if x is None or not c else n(cv(x)) for x, c, cv, n in zip(xs, self.widths, self.convs, self.norms)]


class IlBlock(nn.Sequential):
    def __init__(self, ins, outs, stride, first):
        k = 3 if first or stride == 2 else 1
        super().__init__(GOctaveCbr(ins, outs, k, stride), SimplifiedGOctConvBr(outs), SimplifiedGOctConvBr(outs))


class MsBlock(nn.Module):
    def __init__(self, cin, dil):
        super().__init__()
        self.convs = nn.ModuleList([DwX100(cin, c, 3, 1, d, dilation=d, bias=False) for c, d in zip(dil, DILATIONS) if c])
        self.norm = bn_prelu(sum(dil))

    def forward(self, x):
        return self.norm(torch.cat([c(x) for c in self.convs], 1))


class CsfHead(nn.Module):
    def __init__(self, ins, cfg):
        super().__init__()
        self.fuse = GOctaveCbr(ins, cfg['fuse'], 1)
        self.ms = nn.ModuleList([MsBlock(cfg['fuse'][i], d) for i, d in enumerate(cfg['ms_dil'])])
        self.fuse1x1 = GOctaveCbr([sum(d) for d in cfg['ms_dil']], [cfg['fuse1x1']], 1)

    def forward(self, xs):
        return self.fuse1x1([m(x) for m, x in zip(self.ms, self.fuse(xs))])[0]


class Csnet(nn.Module):
    """x [N,3,H,W] (H, W multiples of 16) -> [logits [N,1,H,W]]."""

    def __init__(self, cfg=CSNET_L_X1):
        super().__init__()
        s = cfg['stages']
        self.csf_idx = [s[0] + s[1], s[0] + s[1] + s[2], sum(s)]
        starts = {s[0] + 1, s[0] + s[1] + 1, s[0] + s[1] + s[2] + 1}  # first blocks of stages 2, 3, 4
        blocks, ins = [], [3]
        for b, outs in enumerate(cfg['blocks']):
            blocks.append(IlBlock(ins, outs, 2 if b in starts else 1, b == 0))
            ins = outs
        self.blocks = nn.ModuleList(blocks)
        self.head = CsfHead([cfg['blocks'][b][0] for b in self.csf_idx], cfg)
        self.cls = nn.Conv2d(cfg['fuse1x1'], 1, 1)

    def forward(self, x):
        h, csf = [x], []
        for b, blk in enumerate(self.blocks):
            h = blk(h)
            if b in self.csf_idx:
                csf.append(h[0])
        return [F.interpolate(self.cls(self.head(csf)), size=x.shape[2:], mode='bilinear', align_corners=False)]
