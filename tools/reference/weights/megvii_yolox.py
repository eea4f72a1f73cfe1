"""YOLOX as Megvii's official repository (Megvii-BaseDetection/YOLOX) lays out its modules, rebuilt
here from its published structure so its state_dict keys and shapes are exactly those of the
released checkpoints (yolox_nano.pth, yolox_tiny.pth, yolox_s.pth, ...: `ckpt["model"]`).

Module tree: YOLOX(backbone=YOLOPAFPN(backbone=CSPDarknet, lateral_conv0, C3_p4, reduce_conv1,
C3_p3, bu_conv2, C3_n3, bu_conv1, C3_n4), head=YOLOXHead(stems, cls_convs, reg_convs,
cls_preds, reg_preds, obj_preds)). BaseConv = conv (no bias) + bn (eps 1e-3) + SiLU; DWConv =
dconv (depthwise BaseConv) + pconv (1x1 BaseConv). This is a reconstruction, not Megvii's code.
"""
import torch
import torch.nn as nn


class BaseConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, groups=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class DWConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.dconv = BaseConv(cin, cin, k, stride, groups=cin)
        self.pconv = BaseConv(cin, cout, 1, 1)

    def forward(self, x):
        return self.pconv(self.dconv(x))


def conv(depthwise):
    return DWConv if depthwise else BaseConv


class Bottleneck(nn.Module):
    def __init__(self, cin, cout, shortcut, depthwise):
        super().__init__()
        self.conv1 = BaseConv(cin, cout, 1)
        self.conv2 = conv(depthwise)(cout, cout, 3, 1)
        self.use_add = shortcut and cin == cout

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        return y + x if self.use_add else y


class CSPLayer(nn.Module):
    def __init__(self, cin, cout, n, shortcut=True, depthwise=False):
        super().__init__()
        h = int(cout * 0.5)
        self.conv1 = BaseConv(cin, h, 1)
        self.conv2 = BaseConv(cin, h, 1)
        self.conv3 = BaseConv(2 * h, cout, 1)
        self.m = nn.Sequential(*[Bottleneck(h, h, shortcut, depthwise) for _ in range(n)])

    def forward(self, x):
        return self.conv3(torch.cat([self.m(self.conv1(x)), self.conv2(x)], 1))


class SPPBottleneck(nn.Module):
    def __init__(self, cin, cout, ks=(5, 9, 13)):
        super().__init__()
        h = cin // 2
        self.conv1 = BaseConv(cin, h, 1)
        self.m = nn.ModuleList([nn.MaxPool2d(k, 1, k // 2) for k in ks])
        self.conv2 = BaseConv(h * (len(ks) + 1), cout, 1)

    def forward(self, x):
        x = self.conv1(x)
        return self.conv2(torch.cat([x] + [m(x) for m in self.m], 1))


class Focus(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = BaseConv(cin * 4, cout, k)

    def forward(self, x):
        tl, tr = x[..., ::2, ::2], x[..., ::2, 1::2]
        bl, br = x[..., 1::2, ::2], x[..., 1::2, 1::2]
        return self.conv(torch.cat((tl, bl, tr, br), 1))


class CSPDarknet(nn.Module):
    def __init__(self, depth, width, depthwise):
        super().__init__()
        C = conv(depthwise)
        b = int(width * 64)
        d = max(round(depth * 3), 1)
        self.stem = Focus(3, b, 3)
        self.dark2 = nn.Sequential(C(b, 2 * b, 3, 2), CSPLayer(2 * b, 2 * b, d, depthwise=depthwise))
        self.dark3 = nn.Sequential(C(2 * b, 4 * b, 3, 2), CSPLayer(4 * b, 4 * b, 3 * d, depthwise=depthwise))
        self.dark4 = nn.Sequential(C(4 * b, 8 * b, 3, 2), CSPLayer(8 * b, 8 * b, 3 * d, depthwise=depthwise))
        self.dark5 = nn.Sequential(C(8 * b, 16 * b, 3, 2), SPPBottleneck(16 * b, 16 * b), CSPLayer(16 * b, 16 * b, d, shortcut=False, depthwise=depthwise))

    def forward(self, x):
        x = self.dark2(self.stem(x))
        c3 = self.dark3(x)
        c4 = self.dark4(c3)
        return c3, c4, self.dark5(c4)


class YOLOPAFPN(nn.Module):
    def __init__(self, depth, width, depthwise, ch=(256, 512, 1024)):
        super().__init__()
        C = conv(depthwise)
        c3, c4, c5 = (int(c * width) for c in ch)
        n = round(3 * depth)
        self.backbone = CSPDarknet(depth, width, depthwise)
        self.lateral_conv0 = BaseConv(c5, c4, 1)
        self.C3_p4 = CSPLayer(2 * c4, c4, n, False, depthwise)
        self.reduce_conv1 = BaseConv(c4, c3, 1)
        self.C3_p3 = CSPLayer(2 * c3, c3, n, False, depthwise)
        self.bu_conv2 = C(c3, c3, 3, 2)
        self.C3_n3 = CSPLayer(2 * c3, c4, n, False, depthwise)
        self.bu_conv1 = C(c4, c4, 3, 2)
        self.C3_n4 = CSPLayer(2 * c4, c5, n, False, depthwise)

    def forward(self, x):
        up = lambda t: nn.functional.interpolate(t, scale_factor=2, mode='nearest')  # noqa: E731
        x3, x4, x5 = self.backbone(x)
        f0 = self.lateral_conv0(x5)
        f1 = self.reduce_conv1(self.C3_p4(torch.cat([up(f0), x4], 1)))
        p3 = self.C3_p3(torch.cat([up(f1), x3], 1))
        p4 = self.C3_n3(torch.cat([self.bu_conv2(p3), f1], 1))
        p5 = self.C3_n4(torch.cat([self.bu_conv1(p4), f0], 1))
        return p3, p4, p5


class YOLOXHead(nn.Module):
    def __init__(self, num_classes, width, depthwise, ch=(256, 512, 1024)):
        super().__init__()
        C = conv(depthwise)
        w = int(256 * width)
        self.stems = nn.ModuleList([BaseConv(int(c * width), w, 1) for c in ch])
        self.cls_convs = nn.ModuleList([nn.Sequential(C(w, w, 3), C(w, w, 3)) for _ in ch])
        self.reg_convs = nn.ModuleList([nn.Sequential(C(w, w, 3), C(w, w, 3)) for _ in ch])
        self.cls_preds = nn.ModuleList([nn.Conv2d(w, num_classes, 1) for _ in ch])
        self.reg_preds = nn.ModuleList([nn.Conv2d(w, 4, 1) for _ in ch])
        self.obj_preds = nn.ModuleList([nn.Conv2d(w, 1, 1) for _ in ch])

    def forward(self, feats):
        """Raw maps per level, [reg(4) | obj(1) | cls(K)] logits (training-mode layout, no decode)."""
        outs = []
        for k, x in enumerate(feats):
            x = self.stems[k](x)
            c = self.cls_convs[k](x)
            r = self.reg_convs[k](x)
            outs.append(torch.cat([self.reg_preds[k](r), self.obj_preds[k](r), self.cls_preds[k](c)], 1))
        return outs


class YOLOX(nn.Module):
    def __init__(self, depth, width, depthwise=False, num_classes=80):
        super().__init__()
        self.backbone = YOLOPAFPN(depth, width, depthwise)
        self.head = YOLOXHead(num_classes, width, depthwise)

    def forward(self, x):
        return self.head(self.backbone(x))


VARIANTS = {
    'nano': (0.33, 0.25, True),
    'tiny': (0.33, 0.375, False),
    's': (0.33, 0.50, False),
    'm': (0.67, 0.75, False),
    'l': (1.0, 1.0, False),
}
