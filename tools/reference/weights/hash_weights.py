"""Deterministic pseudo-random weights shared with the TypeScript tests.

Element i of the t-th tensor of a state dict (state_dict order) is
    u = (lowbias32((base_t + i) mod 2^32) >> 8) / 2^24,   base_t = lowbias32((t * 0x9E3779B9 + seed) mod 2^32)
mapped to lo + (hi - lo) * u in float64 and rounded to float32, with [lo, hi] chosen by the key:
    conv/linear weights (rank >= 2): ±sqrt(3 / fan_in) (variance 1/fan_in)
    BN weight, running_var: [0.5, 1.5];  biases, running_mean: [-0.1, 0.1];  num_batches_tracked: 0.
The same rule lives in packages/models/src/families/torchvision/testing/hash-weights.ts, so the committed
fixtures need only the key/shape list, never the weights (ResNet-101 is 170 MB).
"""
import math

import numpy as np

M32 = 0xFFFFFFFF


def lowbias32(x):
    """Chris Wellons' lowbias32 integer hash on a uint64 array holding 32-bit values."""
    x = x & M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def value_range(key, shape):
    if key.endswith('num_batches_tracked'):
        return None
    if len(shape) >= 2:
        fan_in = int(np.prod(shape[1:]))
        a = math.sqrt(3.0 / fan_in)
        return -a, a
    if key.endswith('running_var') or key.endswith('.weight'):
        return 0.5, 1.5
    return -0.1, 0.1


def hash_tensor(t, key, shape, seed):
    n = int(np.prod(shape)) if len(shape) else 1
    r = value_range(key, shape)
    if r is None:
        return np.zeros(shape, dtype=np.float32)
    base = int(lowbias32(np.array([(t * 0x9E3779B9 + seed) & M32], dtype=np.uint64))[0])
    idx = (np.arange(n, dtype=np.uint64) + np.uint64(base)) & np.uint64(M32)
    u = (lowbias32(idx) >> np.uint64(8)).astype(np.float64) / float(1 << 24)
    lo, hi = r
    return (lo + (hi - lo) * u).astype(np.float32).reshape(shape)
