"""Shared by the per-family golden scripts: one random stream (their order in make_goldens.py
fixes the draws), float32-exact inputs, NHWC lists, 9-digit JSON."""
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
