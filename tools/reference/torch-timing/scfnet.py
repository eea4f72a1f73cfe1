"""SCFNet student (KD-SCFNet, docs/methods/kd-scfnet.md) in PyTorch, NCHW, for timing only.

Same layer shapes as @kd/models `scfnet-mbv3-x0.5` (788,298 trainable parameters):
PaddleClas MobileNetV3-Large x0.5 trunk (taps after blocks 3, 6, 12, 15: 16@4, 24@8, 56@16,
80@32), per-tap conv3x3(bias)+BN+ReLU to C=16, a dilation-5 CBR on f5, three SCFMs and four
conv3x3 heads, each bilinearly upsampled (align_corners=False) to the input size.
Weights are random: only shapes and work matter here.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# PaddleClas NET_CONFIG['large']: kernel, expand, out, SE, act, stride (before the width scale).
MBV3_LARGE = [
    (3, 16, 16, False, 'relu', 1), (3, 64, 24, False, 'relu', 2), (3, 72, 24, False, 'relu', 1),
    (5, 72, 40, True, 'relu', 2), (5, 120, 40, True, 'relu', 1), (5, 120, 40, True, 'relu', 1),
    (3, 240, 80, False, 'hs', 2), (3, 200, 80, False, 'hs', 1), (3, 184, 80, False, 'hs', 1),
    (3, 184, 80, False, 'hs', 1), (3, 480, 112, True, 'hs', 1), (3, 672, 112, True, 'hs', 1),
    (5, 672, 160, True, 'hs', 2), (5, 960, 160, True, 'hs', 1), (5, 960, 160, True, 'hs', 1),
]
TAP_BLOCKS = (2, 5, 11, 14)


def make_divisible(v, d=8):
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


def act_layer(name):
    return {'relu': nn.ReLU(), 'hs': nn.Hardswish(), None: nn.Identity()}[name]


class ConvBnAct(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1, groups=1, act=None, bias=False, dilation=1):
        pad = (k - 1) // 2 * dilation
        super().__init__(nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, groups=groups, bias=bias),
                         nn.BatchNorm2d(cout), act_layer(act))


class SqueezeExcite(nn.Module):
    """GAP -> 1x1 (c -> c//4, bias) -> ReLU -> 1x1 (bias) -> clip(0.2x + 0.5, 0, 1) -> x * gate."""

    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c // 4, 1)
        self.conv2 = nn.Conv2d(c // 4, c, 1)

    def forward(self, x):
        g = self.conv2(F.relu(self.conv1(F.adaptive_avg_pool2d(x, 1))))
        return x * torch.clamp(0.2 * g + 0.5, 0, 1)


class ResidualUnit(nn.Module):
    def __init__(self, cin, mid, cout, k, stride, se, act):
        super().__init__()
        self.shortcut = stride == 1 and cin == cout
        self.expand = ConvBnAct(cin, mid, 1, act=act)
        self.dw = ConvBnAct(mid, mid, k, stride, groups=mid, act=act)
        self.se = SqueezeExcite(mid) if se else nn.Identity()
        self.project = ConvBnAct(mid, cout, 1)

    def forward(self, x):
        y = self.project(self.se(self.dw(self.expand(x))))
        return x + y if self.shortcut else y


class MobileNetV3Large(nn.Module):
    def __init__(self, scale=0.5):
        super().__init__()
        cin = make_divisible(16 * scale)
        self.stem = ConvBnAct(3, cin, 3, 2, act='hs')
        blocks = []
        for k, exp, out, se, act, s in MBV3_LARGE:
            cout = make_divisible(scale * out)
            blocks.append(ResidualUnit(cin, make_divisible(scale * exp), cout, k, s, se, act))
            cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.tap_channels = [make_divisible(scale * MBV3_LARGE[i][2]) for i in TAP_BLOCKS]

    def forward(self, x):
        h, out = self.stem(x), []
        for i, b in enumerate(self.blocks):
            h = b(h)
            if i in TAP_BLOCKS:
                out.append(h)
        return out


def up(x, size):
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


def cbr(cin, cout, dilation=1):
    return ConvBnAct(cin, cout, 3, act='relu', bias=True, dilation=dilation)


class Scfm(nn.Module):
    """fdh = cv1(fh + fh*up(fd)); fhl = cv2(fl + fl*up(fh)); out = cv3(fhl + up(fdh))."""

    def __init__(self, c):
        super().__init__()
        self.cv1, self.cv2, self.cv3 = cbr(c, c), cbr(c, c), cbr(c, c)

    def forward(self, fl, fh, fd):
        hs, ls = fh.shape[2:], fl.shape[2:]
        fdh = self.cv1(fh + fh * up(fd, hs))
        fhl = self.cv2(fl + fl * up(fh, ls))
        return self.cv3(fhl + up(fdh, ls))


class Scfnet(nn.Module):
    """x [N,3,H,W] -> [p2, p3, p4, p5], each [N,1,H,W] logits."""

    def __init__(self, c=16):
        super().__init__()
        self.bkbone = MobileNetV3Large(0.5)
        self.mp = nn.ModuleList([cbr(ci, c) for ci in self.bkbone.tap_channels])
        self.cv1 = cbr(c, c, dilation=5)
        self.de = nn.ModuleList([Scfm(c) for _ in range(3)])
        self.heads = nn.ModuleList([nn.Conv2d(c, 1, 3, padding=1) for _ in range(4)])

    def forward(self, x):
        f2, f3, f4, f5 = [m(t) for m, t in zip(self.mp, self.bkbone(x))]
        f5 = self.cv1(f5)
        d4 = self.de[2](f4, f5, f5)
        d3 = self.de[1](f3, d4, f5)
        d2 = self.de[0](f2, d3, f5)
        return [up(h(t), x.shape[2:]) for h, t in zip(self.heads, (d2, d3, d4, f5))]
