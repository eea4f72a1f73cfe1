#!/usr/bin/python3
"""Goldens for kdlab's torchvision backbones (resnet18/50/101, mobilenetv2).

For each model: torchvision's own module (weights=None) gets the deterministic hash weights of
hash_weights.py (BN running statistics included, so eval-mode BN matters), runs in eval mode on
a seeded NCHW float32 input [1,3,64,64], and writes to packages/models/src/families/torchvision/fixtures/:
    input.npy                         the input (shared by all models)
    <model>/keys.json                 torchvision's state_dict keys and shapes, in order, the hash
                                      seed and the sha256 of all tensors' float32 bytes
    <model>/<tap>.npy                 each tapped stage output, NCHW float32 (not for resnet101)
With --safetensors DIR it also writes DIR/<model>.safetensors in torchvision's key format (what a
converted .pth looks like; see docs/weights.md).

Run: /usr/bin/python3 tools/reference/weights/make_torchvision_goldens.py [--safetensors DIR]
Needs Debian's python3-torch, python3-torchvision, python3-numpy.
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hash_weights import hash_tensor  # noqa: E402
from safetensors_np import write_safetensors  # noqa: E402

SEED = 15
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
OUT = os.path.join(ROOT, 'packages/models/src/families/torchvision/fixtures')
MODELS = {
    'resnet18': lambda: torchvision.models.resnet18(),
    'resnet50': lambda: torchvision.models.resnet50(),
    'resnet101': lambda: torchvision.models.resnet101(),
    'mobilenetv2': lambda: torchvision.models.mobilenet_v2(),
}
MBV2_TAPS = [1, 3, 6, 13, 17, 18]
# Stage outputs are committed for these; resnet101 differs from resnet50 only in layer3's depth,
# so only its key list is committed (checked structurally; `--all-outputs` writes its outputs too).
OUTPUT_MODELS = {'resnet18', 'resnet50', 'mobilenetv2'}


def stage_outputs(name, model, x):
    """{tap name: NCHW output} in kdlab's tap order."""
    out = {}
    if name == 'mobilenetv2':
        h = x
        for i, m in enumerate(model.features):
            h = m(h)
            if i in MBV2_TAPS:
                out[f'features.{i}'] = h
        return out
    h = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    for i in range(1, 5):
        h = getattr(model, f'layer{i}')(h)
        out[f'layer{i}'] = h
    return out


def save_npy(path, arr):
    tmp = path + '.tmp.npy'
    np.save(tmp, np.ascontiguousarray(arr, dtype='<f4'))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--safetensors', help='also write <DIR>/<model>.safetensors')
    ap.add_argument('--models', nargs='*', default=list(MODELS))
    ap.add_argument('--all-outputs', action='store_true', help='also write resnet101 stage outputs')
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    x = np.random.default_rng(SEED).standard_normal((1, 3, 64, 64)).astype(np.float32)
    save_npy(os.path.join(OUT, 'input.npy'), x)
    for name in args.models:
        model = MODELS[name]()
        sd = model.state_dict()
        tensors, keys, digest = [], [], hashlib.sha256()
        for t, (k, v) in enumerate(sd.items()):
            arr = hash_tensor(t, k, list(v.shape), SEED)
            tensors.append((k, arr))
            keys.append([k, list(v.shape)])
            digest.update(arr.astype('<f4').tobytes())
            sd[k] = torch.from_numpy(arr).to(v.dtype)
        model.load_state_dict(sd)
        model.eval()
        with torch.no_grad():
            outs = stage_outputs(name, model, torch.from_numpy(x))
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        if name in OUTPUT_MODELS or args.all_outputs:
            for tap, y in outs.items():
                save_npy(os.path.join(d, f'{tap}.npy'), y.numpy())
        manifest = {
            'model': name, 'torch': torch.__version__, 'torchvision': torchvision.__version__, 'seed': SEED,
            'taps': list(outs), 'data_sha256': digest.hexdigest(), 'keys': keys,
        }
        with open(os.path.join(d, 'keys.json.tmp'), 'w') as f:
            json.dump(manifest, f, separators=(',', ':'))
        os.replace(os.path.join(d, 'keys.json.tmp'), os.path.join(d, 'keys.json'))
        if args.safetensors:
            os.makedirs(args.safetensors, exist_ok=True)
            write_safetensors(os.path.join(args.safetensors, f'{name}.safetensors'), tensors, {'source': f'torchvision {name} hash weights seed {SEED}'})
        mags = {tap: float(y.abs().max()) for tap, y in outs.items()}
        print(name, len(keys), 'tensors; max |out|', mags, flush=True)


if __name__ == '__main__':
    main()
