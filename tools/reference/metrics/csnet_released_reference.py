"""The official CSNet test pipeline on real image/mask pairs, scored in both SOD conventions: the golden
numbers `csnet-released` must land on (packages/distill/src/recipes/sod/csnet-released.golden.json).

Written for kdlab from the official code (ShangHua-Gao/SOD100K: CSNet/test.py, CSNet/model/csnet.py,
CSNet/model/conv2d.py, CSNet_training/SalMetric/src/sal_metric.cpp; zhangjinCV/KD-SCFNet:
SCFNet/saliency_toolbox.py); nothing is copied. Needs Debian's python3-torch, python3-numpy, python3-pil and
python3-skimage (the official pipeline's own resize):

    /usr/bin/python3 tools/reference/metrics/csnet_released_reference.py \
        --pairs ../shared/real-data/sod --weights ../shared/weights \
        --out packages/distill/src/recipes/sod/csnet-released.golden.json

Pipeline (test.py): skimage img_as_float → resize to 224² (order 1, mode reflect, no anti-aliasing) →
ImageNet mean/std (float64, then float32) → CSNet → σ → resize back to H×W the same way → ×255 →
astype(uint8) (truncation). The model is a functional forward over the safetensors keys (the official
module names), checked against the official logits in <weights>/reference first.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import skimage
import torch
import torch.nn.functional as F
from PIL import Image
from skimage import io
from skimage.transform import resize

MEAN = np.array([0.485, 0.456, 0.406])
STD = np.array([0.229, 0.224, 0.225])
DILATIONS = [1, 2, 4, 8, 16]


def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        assert v['dtype'] == 'F32', k
        b, e = v['data_offsets']
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype='<f4').reshape(v['shape']).copy())
    return out


class Csnet:
    """CSNet forward from the layer_config (config.json) and the state_dict tensors, eval mode."""

    def __init__(self, weights, config):
        self.w = weights
        self.lc = config['layer_config']
        self.x100 = set()

    def norm(self, prefix, j, x):
        """BatchNorm (eps 1e-5) then PReLU of branch j of a gOctaveCBR / SimplifiedGOctConvBR."""
        w = self.w
        b = f'{prefix}.bns.{j}'
        y = F.batch_norm(x, w[b + '.running_mean'], w[b + '.running_var'], w[b + '.weight'], w[b + '.bias'],
                         False, 0.0, 1e-5)
        return F.prelu(y, w[f'{prefix}.prelus.{j}.weight'])

    def goct_cbr(self, prefix, xs, ins, outs, k, stride):
        """gOctaveCBR: one branch in and out → Conv2dX100 (100·W); else gOctaveConv over branch pairs."""
        pad = (k - 1) // 2
        key = prefix + '.conv.weight'
        weight = self.w[key]
        if len(ins) == 1 and len(outs) == 1:
            self.x100.add(key)
            return [self.norm(prefix, 0, F.conv2d(xs[0], 100.0 * weight, None, stride, pad))]
        in_off = np.concatenate([[0], np.cumsum(ins)]).astype(int)
        out_off = np.concatenate([[0], np.cumsum(outs)]).astype(int)
        sums = [[] for _ in outs]
        for i, xi in enumerate(xs):
            if xi is None or ins[i] == 0:
                continue
            x = F.avg_pool2d(xi, 2, 2) if stride == 2 else xi
            for j in range(len(outs)):
                if outs[j] == 0:
                    continue
                wij = weight[out_off[j]:out_off[j + 1], in_off[i]:in_off[i + 1]]
                if i > j:  # coarser input: conv, then bilinear ×2^(i−j)
                    y = F.interpolate(F.conv2d(x, wij, None, 1, pad), scale_factor=2 ** (i - j), mode='bilinear',
                                      align_corners=False)
                elif i < j:  # finer input: max-pool to the output's resolution first
                    f = 2 ** (j - i)
                    y = F.conv2d(F.max_pool2d(x, f, f), wij, None, 1, pad)
                else:
                    y = F.conv2d(x, wij, None, 1, pad)
                sums[j].append(y)
        return [self.norm(prefix, j, sum(s)) if s else None for j, s in enumerate(sums)]

    def simplified(self, prefix, xs):
        """SimplifiedGOctConvBR: a depthwise 3×3 Conv2dX100 + BN + PReLU per present branch."""
        out = []
        for j, x in enumerate(xs):
            if x is None:
                out.append(None)
                continue
            key = f'{prefix}.convs.{j}.weight'
            self.x100.add(key)
            wj = self.w[key]
            out.append(self.norm(prefix, j, F.conv2d(x, 100.0 * wj, None, 1, 1, 1, wj.shape[0])))
        return out

    def il_block(self, prefix, xs, ins, outs, stride, first):
        k = 3 if first or stride == 2 else 1
        y = self.goct_cbr(prefix + '.conv1x1', xs, ins, outs, k, stride)
        y = self.simplified(prefix + '.conv3x3_1', y)
        return self.simplified(prefix + '.conv3x3_2', y)

    def ms_block(self, prefix, x, dil):
        outs = []
        for d, c in enumerate(dil):
            if c == 0:
                continue
            key = f'{prefix}.msconv.{d}.weight'
            self.x100.add(key)
            outs.append(F.conv2d(x, 100.0 * self.w[key], None, 1, DILATIONS[d], DILATIONS[d]))
        w = self.w
        y = F.batch_norm(torch.cat(outs, 1), w[prefix + '.bn.running_mean'], w[prefix + '.bn.running_var'],
                         w[prefix + '.bn.weight'], w[prefix + '.bn.bias'], False, 0.0, 1e-5)
        return F.prelu(y, w[prefix + '.prelu.weight'])

    def __call__(self, x):
        lc = self.lc
        stages = lc[-1]
        names = [('stage0', 0)]
        for s, n in enumerate(stages):
            names += [(f'stage{s + 1}', b) for b in range(n)]
        xs = [x]
        taps = {}
        for idx, (stage, b) in enumerate(names):
            ins = [lc[idx][0]] if isinstance(lc[idx][0], int) else lc[idx][0]
            outs = lc[idx][1]
            stride = 2 if b == 0 and stage in ('stage2', 'stage3', 'stage4') else 1
            xs = self.il_block(f'{stage}.{b}', xs, ins, outs, stride, idx == 0)
            taps[stage] = xs
        fuse_cfg, ms_cfg, out_cfg = lc[len(names)], lc[len(names) + 1], lc[len(names) + 2]
        y = self.goct_cbr('oct_fuse.fuse', [taps['stage2'][0], taps['stage3'][0], taps['stage4'][0]],
                          fuse_cfg[0], fuse_cfg[1], 1, 1)
        y = [self.ms_block(f'oct_fuse.ms.convs.{i}', yi, dil) if max(dil) != 0 else None
             for i, (yi, dil) in enumerate(zip(y, ms_cfg[2]))]
        y = self.goct_cbr('oct_fuse.fuse1x1', y, out_cfg[0], out_cfg[1], 1, 1)[0]
        logits = F.conv2d(y, self.w['cls_layer.weight'], self.w['cls_layer.bias'])
        return F.interpolate(logits, size=x.shape[2:], mode='bilinear', align_corners=False)


def predict(model, rgb_u8):
    """test.py for one image: uint8 [H, W, 3] → uint8 saliency [H, W]."""
    img = skimage.img_as_float(rgb_u8)
    h, w = img.shape[:2]
    img = resize(img, (224, 224), mode='reflect', anti_aliasing=False)
    img = np.transpose((img - MEAN) / STD, (2, 0, 1))
    with torch.no_grad():
        out = model(torch.unsqueeze(torch.FloatTensor(img), 0))
    sal = torch.sigmoid(out[0].squeeze(0).squeeze(0)).numpy()
    return (resize(sal, (h, w), mode='reflect', anti_aliasing=False) * 255).astype(np.uint8)


class SalMetric:
    """sal_metric.cpp: raw 8-bit maps; th = 0..255, S > th, G > 128, P/R with +1e-4, averaged; F = 1.3PR/(0.3P+R)."""

    def __init__(self):
        self.n, self.mae, self.p, self.r = 0, 0.0, np.zeros(256), np.zeros(256)

    def add(self, sal, gt):
        s, g = sal.astype(np.float64), gt.astype(np.float64)
        self.mae += np.mean(np.abs(s - g) / 255.0)
        b = g > 128
        for th in range(256):
            a = s > th
            ab = np.count_nonzero(a & b)
            self.p[th] += (ab + 1e-4) / (np.count_nonzero(a) + 1e-4)
            self.r[th] += (ab + 1e-4) / (np.count_nonzero(b) + 1e-4)
        self.n += 1

    def summary(self):
        p, r = self.p / self.n, self.r / self.n
        f = 1.3 * p * r / (0.3 * p + r)
        return {'MAE': self.mae / self.n, 'maxFm': float(max(0.0, f.max())), 'meanFm': float(f.mean())}


def norm_minmax(x):
    """cv2.normalize(x.astype(float), None, 0, 1, NORM_MINMAX): a constant map becomes 0."""
    x = x.astype(np.float64)
    lo, hi = x.min(), x.max()
    scale = 1.0 / (hi - lo) if hi - lo > np.finfo(np.float64).eps else 0.0
    return x * scale + (-lo * scale)


class Toolbox:
    """KD-SCFNet's saliency_toolbox.py (eps 1e-20): MAE, Max-F/Mean-F, Eval_Smeasure, adaptive e_measure."""
    EPS = 1e-20

    def __init__(self):
        self.mae, self.s, self.e, self.prec, self.rec = [], [], [], [], []

    def add(self, sal, gt):
        g = (norm_minmax(gt) >= 0.5).astype(np.float32)
        s = norm_minmax(sal)
        self.mae.append(np.mean(np.abs(s - g)))
        self.e.append(self.e_measure(g, s))
        self.s.append(self.s_measure(g, s))
        if g.sum() > 0:  # the script's hstack would fail on an empty gt (deviation shared with ours)
            ths = np.linspace(0, 1, 256)
            hit = np.array([np.sum((s >= t)[g > 0]) for t in ths], dtype=np.float64)
            alg = np.array([np.sum(s >= t) for t in ths], dtype=np.float64)
            self.prec.append(hit / (alg + self.EPS))
            self.rec.append(hit / g.sum())

    def e_measure(self, g, s):
        sb = (s >= min(2 * s.mean(), 1)).astype(np.float64)
        gg = g.astype(np.float64)
        if gg.sum() == 0:
            enh = 1.0 - sb
        elif gg.mean() == 1:
            enh = sb
        else:
            a, b = sb - sb.mean(), gg - gg.mean()
            enh = ((2 * a * b / (a * a + b * b + self.EPS)) + 1) ** 2 / 4
        return np.sum(enh) / (g.size - 1 + self.EPS)

    def s_measure(self, g, s):
        y = g.mean()
        if y == 0:
            return 1.0 - s.mean()
        if y == 1:
            return s.mean()
        q = 0.5 * self.s_object(s, g) + 0.5 * self.s_region(s, g)
        return max(q, 0.0)

    def s_object(self, s, g):
        def obj(v):
            return 2.0 * v.mean() / (v.mean() ** 2 + 1.0 + v.std() + self.EPS)
        u = g.mean()
        return u * obj(s[g == 1]) + (1 - u) * obj(1 - s[g == 0])

    def s_region(self, s, g):
        h, w = g.shape
        total = g.sum(dtype=np.float64)
        X = int(np.round((g.sum(axis=0) * np.arange(w)).sum() / total))
        Y = int(np.round((g.sum(axis=1) * np.arange(h)).sum() / total))
        area = h * w
        w1, w2, w3 = X * Y / area, (w - X) * Y / area, X * (h - Y) / area
        w4 = 1 - w1 - w2 - w3
        blocks = [(slice(0, Y), slice(0, X)), (slice(0, Y), slice(X, w)), (slice(Y, h), slice(0, X)),
                  (slice(Y, h), slice(X, w))]
        return sum(wk * self.ssim(s[b], g[b]) for wk, b in zip([w1, w2, w3, w4], blocks))

    def ssim(self, p, g):
        n = p.size
        if n == 0:
            return 0.0  # weight 0; the script raises on the NaN (deviation shared with ours)
        g = g.astype(np.float64)
        x, y = p.mean(), g.mean()
        d = n - 1 + self.EPS
        sx, sy, sxy = ((p - x) ** 2).sum() / d, ((g - y) ** 2).sum() / d, ((p - x) * (g - y)).sum() / d
        alpha, beta = 4 * x * y * sxy, (x * x + y * y) * (sx + sy)
        if alpha != 0:
            return alpha / (beta + self.EPS)
        return 1.0 if beta == 0 else 0.0

    def summary(self):
        p, r = np.mean(self.prec, axis=0), np.mean(self.rec, axis=0)
        with np.errstate(invalid='ignore', divide='ignore'):
            f = np.nan_to_num(1.3 * p * r / (0.3 * p + r))
        return {'MAE': float(np.mean(self.mae)), 'maxFm': float(f.max()), 'meanFm': float(f.mean()),
                'Smeasure': float(np.mean(self.s)), 'adpEm': float(np.mean(self.e))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', required=True, help='folder of <id>.jpg + <id>.png')
    ap.add_argument('--weights', required=True, help='folder with csnet-L-x{1,2}.safetensors/.config.json')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    ids = sorted(f[:-4] for f in os.listdir(a.pairs) if f.endswith('.jpg'))
    result = {'pairs': len(ids), 'ids': ids, 'tolerance': 0.002, 'torch': torch.__version__,
              'skimage': skimage.__version__, 'numpy': np.__version__, 'models': {}}
    for v in ['x1', 'x2']:
        cfg = json.load(open(os.path.join(a.weights, f'csnet-L-{v}.config.json')))
        model = Csnet(read_safetensors(os.path.join(a.weights, f'csnet-L-{v}.safetensors')), cfg)
        ref_in = torch.from_numpy(np.load(os.path.join(a.weights, 'reference', 'u2net_boat.input.npy')))
        ref_out = np.load(os.path.join(a.weights, 'reference', f'csnet-L-{v}.u2net_boat.logits.npy'))
        with torch.no_grad():
            dev = float(np.abs(model(ref_in).numpy() - ref_out).max())
        assert dev < 1e-4, f'{v}: forward differs from the official logits by {dev}'
        assert model.x100 == set(cfg['x100_weight_keys']), f'{v}: Conv2dX100 keys differ from the config'
        sal, tb = SalMetric(), Toolbox()
        for i in ids:
            rgb = io.imread(os.path.join(a.pairs, f'{i}.jpg'))
            gt = np.array(Image.open(os.path.join(a.pairs, f'{i}.png')).convert('L'))
            pred = predict(model, rgb)
            assert pred.shape == gt.shape, i
            sal.add(pred, gt)
            tb.add(pred, gt)
        params = sum(t.numel() for k, t in model.w.items() if not k.endswith(('running_mean', 'running_var')))
        result['models'][f'csnet-l-{v}'] = {'params': params, 'reference_logits_max_abs_diff': dev,
                                           'salmetric': sal.summary(), 'toolbox': tb.summary()}
        print(v, json.dumps(result['models'][f'csnet-l-{v}']), file=sys.stderr)
    tmp = a.out + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    os.replace(tmp, a.out)


if __name__ == '__main__':
    main()
