"""Baselines: pixel KL, CWD, pair-wise, FitNet, attention transfer; and the `pnpm exp loss` .npy fixtures.
Imported by make_goldens.py (in order: the families share one random stream)."""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from golden_common import FIX, nhwc, rand, rs, save

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
