"""PyTorch reference for DIST (Huang et al., NeurIPS 2022, "Knowledge Distillation from A Stronger
Teacher"), dense form: logits [N,K,H,W] flattened to [N*H*W, K] rows, Pearson correlation per row
(inter-class) and per column (intra-class), eps 1e-8 on the norm product. Independent of the
TypeScript code.

Run:  /usr/bin/python3 tools/reference/losses/dist.py   (repo root; Debian python3-torch)
Writes packages/losses/src/goldens/dist.json (inputs NHWC, as the TS side reads them).
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', '..', 'packages', 'losses', 'src', 'goldens', 'dist.json')
rs = np.random.RandomState(20221128)
torch.set_default_dtype(torch.float64)


def rand(*shape, scale=1.0):
    """float32 values (what the TS side sees), as a float64 NCHW tensor."""
    return torch.tensor((rs.randn(*shape) * scale).astype(np.float32).astype(np.float64))


def pearson_rows(a, b, eps=1e-8):
    a = a - a.mean(1, keepdim=True)
    b = b - b.mean(1, keepdim=True)
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1) + eps)


def dist(s, t, beta=1.0, gamma=1.0, tau=1.0):
    k = s.shape[1]
    ys = torch.softmax(s.permute(0, 2, 3, 1).reshape(-1, k) / tau, dim=1)
    yt = torch.softmax(t.permute(0, 2, 3, 1).reshape(-1, k) / tau, dim=1)
    inter = 1 - pearson_rows(ys, yt).mean()
    intra = 1 - pearson_rows(ys.t(), yt.t()).mean()
    return tau * tau * (beta * inter + gamma * intra), inter, intra


def nhwc(x):
    return x.permute(0, 2, 3, 1).tolist()


def r9(v):
    return float(f'{v:.9g}')


s = rand(2, 6, 5, 4, scale=3)
t = rand(2, 6, 5, 4, scale=3)
cs, ct = rand(8, 10, 1, 1, scale=2), rand(8, 10, 1, 1, scale=2)  # classification: [N,1,1,K]
expected = {}
for key, (a, b, o) in {
    'default': (s, t, {}),
    'beta2_gamma0.5_T4': (s, t, {'beta': 2.0, 'gamma': 0.5, 'tau': 4.0}),
    'classification_T4': (cs, ct, {'tau': 4.0}),
}.items():
    total, inter, intra = dist(a, b, **o)
    expected[key] = {'total': r9(total.item()), 'inter': r9(inter.item()), 'intra': r9(intra.item())}
with open(OUT, 'w') as f:
    json.dump({'student': nhwc(s), 'teacher': nhwc(t), 'clsStudent': nhwc(cs), 'clsTeacher': nhwc(ct), 'expected': expected}, f, separators=(',', ':'))
print('wrote', os.path.relpath(OUT), json.dumps(expected))
