"""Reference values for @kd/losses tests, computed with PyTorch (float64) from the formulas in
docs/methods/ (the method notes) and the official code's semantics. Independent of the TypeScript code.

Run:  /usr/bin/python3 tools/reference/losses/make_goldens.py   (Debian python3-torch 1.13)
Writes src/goldens/*.json (inputs NHWC, as the TS side uses them) and src/fixtures/*.npy (NCHW,
for the `pnpm exp loss` parity test).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.join(HERE, '..', '..', '..', 'packages', 'losses', 'src', 'goldens')
FIX = os.path.join(HERE, '..', '..', '..', 'packages', 'losses', 'src', 'fixtures')
rs = np.random.RandomState(20240501)
torch.set_default_dtype(torch.float64)


def rand(*shape, scale=1.0):
    """float32 values (what the TS side sees), returned as a float64 NCHW tensor."""
    return torch.tensor((rs.randn(*shape) * scale).astype(np.float32).astype(np.float64))


def nhwc(t):
    t = t.detach()
    if t.dim() == 4:
        t = t.permute(0, 2, 3, 1)
    return t.tolist()


def hwio(w):  # conv weight [out,in,k,k] -> [k,k,in,out]
    return w.detach().permute(2, 3, 1, 0).tolist()


def rounded(o):
    """9 significant digits: exact for the float32 inputs, 1e-9 relative for the references."""
    if isinstance(o, float):
        return float(f'{o:.9g}')
    if isinstance(o, list):
        return [rounded(v) for v in o]
    if isinstance(o, dict):
        return {k: rounded(v) for k, v in o.items()}
    return o


def save(name, obj):
    with open(os.path.join(GOLD, name + '.json'), 'w') as f:
        json.dump(rounded(obj), f, separators=(',', ':'))


# ---------------------------------------------------------------- baselines
def pixel_kl(s, t, T):
    ls, lt = F.log_softmax(s / T, 1), F.log_softmax(t / T, 1)
    return (T * T) * (lt.exp() * (lt - ls)).sum(1).mean()


def cwd(s, t, T):
    n, c, h, w = s.shape
    ls = F.log_softmax(s.reshape(n * c, h * w) / T, 1)
    lt = F.log_softmax(t.reshape(n * c, h * w) / T, 1)
    return (T * T) * (lt.exp() * (lt - ls)).sum() / (n * c)


def pairwise(s, t, pool=None):
    if pool is not None:
        s = F.max_pool2d(s, kernel_size=pool, stride=pool, padding=0, ceil_mode=True)
        t = F.max_pool2d(t, kernel_size=pool, stride=pool, padding=0, ceil_mode=True)

    def sim(f):
        n, c = f.shape[:2]
        f = f.reshape(n, c, -1)
        f = f / (f.pow(2).sum(1, keepdim=True).sqrt() + 1e-8)
        return torch.bmm(f.transpose(1, 2), f)

    a, b = sim(s), sim(t)
    hw = a.shape[1]
    return ((a - b) ** 2).sum() / (hw * hw) / a.shape[0]


def attention_transfer(s, t, p=2):
    def at(x):
        return F.normalize(x.abs().pow(p).mean(1).reshape(x.shape[0], -1))
    return (at(s) - at(t)).pow(2).mean()


s = rand(2, 4, 5, 7, scale=3)
t = rand(2, 4, 5, 7, scale=3)
t6 = rand(2, 6, 5, 7)
base = {'student': nhwc(s), 'teacher': nhwc(t), 'teacher6': nhwc(t6), 'expected': {
    'pixelKl_T1': pixel_kl(s, t, 1).item(), 'pixelKl_T4': pixel_kl(s, t, 4).item(),
    'cwd_T1': cwd(s, t, 1).item(), 'cwd_T4': cwd(s, t, 4).item(),
    'pairwise': pairwise(s, t).item(), 'pairwise_pool23': pairwise(s, t, (2, 3)).item(),
    'pairwise_c6_pool22': pairwise(s, t6, (2, 2)).item(),
    'fitnet': F.mse_loss(s, t).item(),
    'at_p2': attention_transfer(s, t6).item(), 'at_p1': attention_transfer(s, t6, 1).item(),
}}
save('baselines', base)

# CLI parity fixtures: NCHW float32 .npy, expected values from the float32 data in float64.
cs = (rs.randn(2, 5, 6, 7) * 2).astype(np.float32)
ct = (rs.randn(2, 5, 6, 7) * 2).astype(np.float32)
np.save(os.path.join(FIX, 'student_nchw.npy'), cs)
np.save(os.path.join(FIX, 'teacher_nchw.npy'), ct)
np.save(os.path.join(FIX, 'student_nhwc_f64.npy'), cs.transpose(0, 2, 3, 1).astype(np.float64))
np.save(os.path.join(FIX, 'teacher_nhwc_f64.npy'), ct.transpose(0, 2, 3, 1).astype(np.float64))
S, T_ = torch.tensor(cs.astype(np.float64)), torch.tensor(ct.astype(np.float64))
with open(os.path.join(FIX, 'expected.json'), 'w') as f:
    json.dump({
        'pixel-kl T=1': pixel_kl(S, T_, 1).item(), 'pixel-kl T=4': pixel_kl(S, T_, 4).item(),
        'cwd T=1': cwd(S, T_, 1).item(), 'cwd T=4': cwd(S, T_, 4).item(),
        'pairwise': pairwise(S, T_).item(), 'pairwise pool=2,2': pairwise(S, T_, (2, 2)).item(),
        'pairwise pool=4,3': pairwise(S, T_, (4, 3)).item(),
    }, f, indent=1)

# ---------------------------------------------------------------- KD-SCFNet (Paddle semantics)
def dice(pred, mask):
    p = torch.sigmoid(pred)
    inter = (p * mask).sum((2, 3))
    union = (p + mask).sum((2, 3))
    return (1 - (2 * inter + 1) / (union + 1)).mean()


def bdice(pred, mask, epoch):
    size = max(1, 13 - ((epoch + 1) // 10) * 2)
    p = torch.sigmoid(pred)
    n = p.shape[0]
    mb = F.max_pool2d(1 - mask, 3, 1, 1) - (1 - mask)
    pb = F.max_pool2d(1 - p, 3, 1, 1) - (1 - p)
    mb = F.max_pool2d(mb, size, 1, (size - 1) // 2).reshape(n, -1)
    pb = F.max_pool2d(pb, size, 1, (size - 1) // 2).reshape(n, -1)
    return (1 - (2 * (pb * mb).sum(1) + 1) / ((pb + mb).sum(1) + 1)).mean()


outs = [rand(2, 1, 16, 16, scale=2) for _ in range(4)]
mask = torch.zeros(2, 1, 16, 16)
mask[0, 0, 3:11, 4:12] = 1
mask[1, 0, 6:15, 1:9] = 0.8
tmain = rand(2, 1, 16, 16, scale=2)
sc = {'outputs': [nhwc(o) for o in outs], 'mask': nhwc(mask), 'teacherMain': nhwc(tmain), 'expected': {}}
for ep in (0, 9, 30, 59, 68):
    sc['expected'][f'supervised_epoch{ep}'] = sum(w * (dice(o, mask) + bdice(o, mask, ep)) for w, o in zip([1, .5, .25, .125], outs)).item()
    sc['expected'][f'bdice_epoch{ep}'] = bdice(outs[0], mask, ep).item()
sc['expected']['softDiceKd'] = sum(w * dice(o, torch.sigmoid(tmain)) for w, o in zip([1, .5, .25, .125], outs)).item()
save('scfnet', sc)

# ---------------------------------------------------------------- CSNet DWD (with γ gradients)
gammas = [torch.tensor(rs.randn(c).astype(np.float32).astype(np.float64), requires_grad=True) for c in (3, 5)]
acts = [rand(4, 3, 6, 6), rand(4, 5, 3, 3)]
logit = rand(4, 1, 6, 6, scale=2)
gt = torch.tensor(rs.rand(4, 1, 6, 6).astype(np.float32).astype(np.float64))
B = 4
reg = sum(0.5 * 1.0 * a.detach().mean((2, 3)).abs().sum(0) .mul(g ** 2).sum() for g, a in zip(gammas, acts))
total = F.binary_cross_entropy_with_logits(logit, gt) + 3.0 * reg / B
total.backward()
save('csnet', {'gammas': [g.detach().tolist() for g in gammas], 'activations': [nhwc(a) for a in acts],
               'logits': nhwc(logit), 'mask': nhwc(gt), 'expected': {'total': total.item(), 'dwd': (3.0 * reg / B).item(),
               'gammaGrads': [g.grad.tolist() for g in gammas]}})

# ---------------------------------------------------------------- Knowledge Adaptation
ct_w = rand(4, 3, 3, 3)  # ConvTranspose2d weight [in=4, out=3, k, k]
ct_b = rand(3)
xin = rand(2, 4, 3, 4)
y_s2 = F.conv_transpose2d(xin, ct_w, ct_b, stride=2, padding=1, output_padding=1)
y_s1 = F.conv_transpose2d(xin, ct_w, ct_b, stride=1, padding=1)
latent = rand(2, 5, 4, 6)
adapted = rand(2, 5, 4, 6)
adapted3 = rand(2, 3, 4, 6)
recon = rand(2, 5, 4, 6)


def kta(z, a):
    z = z.flatten(1); a = a.flatten(1)
    return F.l1_loss(a / a.norm(p=2, dim=1, keepdim=True), z / z.norm(p=2, dim=1, keepdim=True))


def affinity(x):
    n, c, h, w = x.shape
    f = F.normalize(x.reshape(n, c, h * w), dim=1)
    return torch.bmm(f.transpose(1, 2), f) / (h * w)


def aff_loss(z, a):
    return (affinity(z) - affinity(a)).norm(p=2, dim=2).mean()


logits = rand(2, 4, 3, 5, scale=2)
labels = torch.tensor(rs.randint(0, 4, size=(2, 3, 5)))
labels[0, 0, :3] = 255
save('ka', {'convT': {'weight': ct_w.permute(2, 3, 1, 0).tolist(), 'bias': ct_b.tolist(), 'x': nhwc(xin), 'yStride2': nhwc(y_s2), 'yStride1': nhwc(y_s1)},
            'latent': nhwc(latent), 'adapted': nhwc(adapted), 'adapted3': nhwc(adapted3), 'reconstruction': nhwc(recon),
            'logits': nhwc(logits), 'labels': labels.tolist(),
            'expected': {'adaptation': kta(latent, adapted).item(), 'affinity': aff_loss(latent, adapted).item(),
                         'affinityC3': aff_loss(latent, adapted3).item(),
                         'autoencoder': (F.mse_loss(recon, latent) + 1e-7 * latent.abs().sum()).item(),
                         'ce': F.cross_entropy(logits, labels, ignore_index=255).item()}})

# ---------------------------------------------------------------- BCD (kdlab's formulation)
def edge(x):
    f = F.normalize(x, dim=1)
    p = F.pad(f, (1, 1, 1, 1), mode='replicate')
    h, w = x.shape[2:]
    sims = [(f * p[:, :, dy:dy + h, dx:dx + w]).sum(1) for dy in range(3) for dx in range(3) if (dy, dx) != (1, 1)]
    return 1 - sum(sims) / 8


def bd(ss, ts, form='mse', tau=1.0):
    total = 0
    for s_, t_ in zip(ss, ts):
        if s_.shape[2:] != t_.shape[2:]:
            s_ = F.interpolate(s_, size=t_.shape[2:], mode='bilinear', align_corners=False)
        es, et = edge(s_), edge(t_)
        if form == 'mse':
            total = total + ((es - et) ** 2).mean()
        else:
            n = es.shape[0]
            ls, lt = F.log_softmax(es.reshape(n, -1) / tau, 1), F.log_softmax(et.reshape(n, -1) / tau, 1)
            total = total + tau * tau * (lt.exp() * (lt - ls)).sum(1).mean()
    return total


def cd(s_, t_, tau=0.1, grid=None):
    if grid is None:
        grid = (min(s_.shape[2], t_.shape[2], 32), min(s_.shape[3], t_.shape[3], 64))
    def rel(x):
        x = F.adaptive_avg_pool2d(x, grid)
        n, c = x.shape[:2]
        f = F.normalize(x.reshape(n, c, -1), dim=1)
        return F.log_softmax(torch.bmm(f.transpose(1, 2), f) / tau, 2)
    ls, lt = rel(s_), rel(t_)
    return tau * tau * (lt.exp() * (lt - ls)).sum(2).mean()


s8, t8 = rand(2, 3, 6, 8), rand(2, 5, 6, 8)
s16, t16 = rand(2, 4, 5, 7), rand(2, 6, 3, 4)  # student resized 5x7 -> 3x4
slast, tlast = rand(2, 4, 6, 10), rand(2, 7, 5, 7)
save('bcd', {'s8': nhwc(s8), 't8': nhwc(t8), 's16': nhwc(s16), 't16': nhwc(t16), 'sLast': nhwc(slast), 'tLast': nhwc(tlast),
             'expected': {'edgeT8': edge(t8).tolist(), 'bdMse': bd([s8, s16], [t8, t16]).item(),
                          'bdKl': bd([s8, s16], [t8, t16], 'kl', 0.5).item(), 'cd': cd(slast, tlast).item(),
                          'cdTau1': cd(slast, tlast, 1.0).item(),
                          'adaptivePool': F.adaptive_avg_pool2d(slast, (5, 7)).permute(0, 2, 3, 1).tolist()}})

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
print('goldens written')
