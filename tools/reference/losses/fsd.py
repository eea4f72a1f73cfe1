"""FSD (official SFC.py semantics): Gaussian masks and the full level loss.
Imported by make_goldens.py (in order: the families share one random stream)."""
import math

import torch
import torch.nn.functional as F

from golden_common import nhwc, rand, save

# ---------------------------------------------------------------- FSD (official SFC.py semantics)
def literal_mask(boxes, img, feat):
    H, W = feat
    m = torch.zeros(H, W)
    info = []
    for b in boxes:
        x1, x2 = b[0] / img[1] * W, b[2] / img[1] * W
        y1, y2 = b[1] / img[0] * H, b[3] / img[0] * H
        wmin, wmax, hmin, hmax = math.floor(x1), math.ceil(x2), math.floor(y1), math.ceil(y2)
        xc, yc = (x1 + x2) / 2, (y1 + y2) / 2
        area = 1.0 / (hmax + 1 - hmin) / (wmax + 1 - wmin)
        hmax, wmax = min(hmax, H), min(wmax, W)
        info.append((hmin, hmax, wmin, wmax, area))
        dh = (hmax - hmin) // 2
        sh, eh = max(0, hmin - dh), min(hmax + dh, H)
        dw = (wmax - wmin) // 2
        sw, ew = max(0, wmin - dw), min(wmax + dw, W)
        a = torch.linspace(sh, eh, eh - sh).reshape(-1, 1)
        c = torch.linspace(sw, ew, ew - sw).reshape(1, -1)
        g = torch.exp(-0.5 * ((a - xc) ** 2 / (xc + 1e-8) ** 2 + (c - yc) ** 2 / (yc + 1e-8) ** 2))
        m[sh:eh, sw:ew] = torch.maximum(m[sh:eh, sw:ew], area * g)
    for hmin, hmax, wmin, wmax, area in info:
        m[hmin:hmax + 1, wmin:wmax + 1] = torch.clamp(m[hmin:hmax + 1, wmin:wmax + 1], min=area)
    return m


def intended_mask(boxes, img, feat):
    H, W = feat
    m = torch.zeros(H, W)
    info = []
    for b in boxes:
        x1, x2 = b[0] / img[1] * W, b[2] / img[1] * W
        y1, y2 = b[1] / img[0] * H, b[3] / img[0] * H
        wmin, wmax, hmin, hmax = math.floor(x1), math.ceil(x2), math.floor(y1), math.ceil(y2)
        xc, yc = (x1 + x2) / 2, (y1 + y2) / 2
        area = 1.0 / (hmax + 1 - hmin) / (wmax + 1 - wmin)
        hmax, wmax = min(hmax, H), min(wmax, W)
        info.append((hmin, hmax, wmin, wmax, area))
        dh, dw = (hmax - hmin) // 2, (wmax - wmin) // 2
        sy, sx = max((y2 - y1) / 2, 0.5), max((x2 - x1) / 2, 0.5)
        for r in range(max(0, hmin - dh), min(hmax + dh, H)):
            for c in range(max(0, wmin - dw), min(wmax + dw, W)):
                g = math.exp(-0.5 * ((r + 0.5 - yc) ** 2 / sy ** 2 + (c + 0.5 - xc) ** 2 / sx ** 2))
                m[r, c] = max(m[r, c].item(), area * g)
    for hmin, hmax, wmin, wmax, area in info:
        m[hmin:hmax + 1, wmin:wmax + 1] = torch.clamp(m[hmin:hmax + 1, wmin:wmax + 1], min=area)
    return m


boxes = [[[8.0, 12.0, 40.0, 30.0], [50.0, 40.0, 62.0, 63.0]], [[20.5, 3.2, 33.7, 50.1]]]
img, feat = (64, 64), (8, 8)
lit = torch.stack([literal_mask(b, img, feat) for b in boxes])
inten = torch.stack([intended_mask(b, img, feat) for b in boxes])


def feature_norm(x):
    n, c, h, w = x.shape
    x = x.permute(1, 0, 2, 3).reshape(c, -1)
    x = (x - x.mean(-1, keepdim=True)) / (x.std(-1, keepdim=True) + 1e-6)
    return x.reshape(c, n, h, w).permute(1, 0, 2, 3)


def attention(x, temp):
    n, c, h, w = x.shape
    v = x.abs()
    S = (h * w * F.softmax((v.mean(1) / temp).reshape(n, -1), 1)).reshape(n, h, w)
    C = c * F.softmax(v.mean((2, 3)) / temp, 1)
    return S, C


def region_kl(fs, ft, St, Ct, M):
    wgt = St.sqrt().unsqueeze(1) * Ct.sqrt()[:, :, None, None] * M.sqrt().unsqueeze(1)
    gs, gt_ = feature_norm(fs * wgt), feature_norm(ft * wgt)
    n, c, h, w = gs.shape
    ps, pt = F.softmax(gs.reshape(-1, h * w), 1), F.softmax(gt_.reshape(-1, h * w), 1)
    return (pt * (torch.log(pt + 1e-5) - torch.log(ps + 1e-5))).sum() / (c * n)


N, Cs, Ct, H, W = 2, 4, 6, 8, 8
fs_raw, ft = rand(N, Cs, H, W), rand(N, Ct, H, W)
align_w, align_b = rand(Ct, Cs, 1, 1, scale=0.5), rand(Ct, scale=0.1)
mask_w, mask_b = rand(1, Ct, 1, 1, scale=0.5), torch.zeros(1)
mlps = {}
for who in ('s', 't'):
    mlps[who] = dict(w1=rand(Ct // 2, Ct, 1, 1, scale=0.4), b1=rand(Ct // 2, scale=0.1), ln_w=1 + rand(Ct // 2, scale=0.1),
                     ln_b=rand(Ct // 2, scale=0.1), w2=rand(Ct, Ct // 2, 1, 1, scale=0.4), b2=rand(Ct, scale=0.1))


def gc_out(x, p):
    n, c, h, w = x.shape
    cm = F.softmax(F.conv2d(x, mask_w, mask_b).reshape(n, 1, h * w), 2).unsqueeze(-1)
    ctx = torch.matmul(x.reshape(n, 1, c, h * w), cm).reshape(n, c, 1, 1)
    y = F.conv2d(ctx, p['w1'], p['b1'])
    y = F.layer_norm(y, [c // 2, 1, 1], p['ln_w'][:, None, None], p['ln_b'][:, None, None])
    return x + F.conv2d(F.relu(y), p['w2'], p['b2'])


def fsd(fs_raw, ft, fg):
    fs = F.conv2d(fs_raw, align_w, align_b)
    St, Ct_ = attention(ft, 0.5)
    Ss, Cs_ = attention(fs, 0.5)
    bg = torch.where(fg > 0, 0.0, 1.0)
    bg = bg / bg.sum((1, 2), keepdim=True).clamp(min=1)
    lfg, lbg = region_kl(fs, ft, St, Ct_, fg), region_kl(fs, ft, St, Ct_, bg)
    latt = (Cs_ - Ct_).abs().sum() / N + (Ss - St).abs().sum() / N
    lrela = ((gc_out(fs, mlps['s']) - gc_out(ft, mlps['t'])) ** 2).sum() / N
    return dict(fg=lfg.item(), bg=lbg.item(), attention=latt.item(), relation=lrela.item(),
                total=(lfg + lbg + 0.001 * latt + 1e-5 * lrela).item())


def conv1(w):
    return w.permute(2, 3, 1, 0).tolist()


save('fsd', {'boxes': boxes, 'imageSize': img, 'featureSize': feat, 'literal': lit.tolist(), 'intended': inten.tolist(),
             'student': nhwc(fs_raw), 'teacher': nhwc(ft),
             'weights': {'align': {'w': conv1(align_w), 'b': align_b.tolist()}, 'mask': {'w': conv1(mask_w), 'b': mask_b.tolist()},
                         **{f'mlp_{k}': {'w1': conv1(p['w1']), 'b1': p['b1'].tolist(), 'lnW': p['ln_w'].tolist(), 'lnB': p['ln_b'].tolist(),
                                         'w2': conv1(p['w2']), 'b2': p['b2'].tolist()} for k, p in mlps.items()}},
             'expected': {'literal': fsd(fs_raw, ft, lit), 'intended': fsd(fs_raw, ft, inten)}})
