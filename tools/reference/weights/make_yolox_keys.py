#!/usr/bin/python3
"""Key/shape lists of the official Megvii YOLOX checkpoints (yolox_nano/tiny/s), from the module
tree rebuilt in megvii_yolox.py, written to packages/models/src/families/yolox/fixtures/megvii-<v>.keys.json
as {"variant", "keys": [[key, shape], ...]} in state_dict order (80 classes).

With --golden it also writes a numeric check of the key map for yolox-nano (depthwise) and
yolox-tiny: hash weights (hash_weights.py, BN statistics included), a seeded NCHW input
[1,3,64,64] and the three neck taps (`neck.p3..p5`: Megvii's head stems) and raw head maps NCHW as .npy under fixtures/megvii-<v>/. These compare
kdlab against this reconstruction, not against Megvii's own code (not available here).

Run: /usr/bin/python3 tools/reference/weights/make_yolox_keys.py [--golden]
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hash_weights import hash_tensor  # noqa: E402
from megvii_yolox import VARIANTS, YOLOX  # noqa: E402

SEED = 15
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
OUT = os.path.join(ROOT, 'packages/models/src/families/yolox/fixtures')


def save_npy(path, arr):
    tmp = path + '.tmp.npy'
    np.save(tmp, np.ascontiguousarray(arr, dtype='<f4'))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--golden', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for v in ('nano', 'tiny', 's'):
        depth, width, dw = VARIANTS[v]
        model = YOLOX(depth, width, dw)
        sd = model.state_dict()
        man = {'variant': v, 'num_classes': 80, 'keys': [[k, list(t.shape)] for k, t in sd.items()]}
        if args.golden and v in ('nano', 'tiny'):
            digest = hashlib.sha256()
            for t, (k, val) in enumerate(sd.items()):
                arr = hash_tensor(t, k, list(val.shape), SEED)
                digest.update(arr.astype('<f4').tobytes())
                sd[k] = torch.from_numpy(arr).to(val.dtype)
            model.load_state_dict(sd)
            model.eval()
            x = np.random.default_rng(SEED).standard_normal((1, 3, 64, 64)).astype(np.float32)
            d = os.path.join(OUT, f'megvii-{v}')
            os.makedirs(d, exist_ok=True)
            save_npy(os.path.join(d, 'input.npy'), x)
            with torch.no_grad():
                feats = model.backbone(torch.from_numpy(x))
                outs = model.head(feats)
                for i, f in enumerate(feats):
                    save_npy(os.path.join(d, f'neck.p{i + 3}.npy'), model.head.stems[i](f).numpy())
            for i, y in enumerate(outs):
                save_npy(os.path.join(d, f'head{i}.npy'), y.numpy())
            man.update({'seed': SEED, 'data_sha256': digest.hexdigest()})
            print(v, 'max |head|', [float(y.abs().max()) for y in outs])
        tmp = os.path.join(OUT, f'megvii-{v}.keys.json.tmp')
        with open(tmp, 'w') as f:
            json.dump(man, f, separators=(',', ':'))
        os.replace(tmp, tmp[:-4])
        print(v, len(man['keys']), 'tensors', sum(int(np.prod(s)) for k, s in man['keys'] if 'num_batches' not in k), 'values')


if __name__ == '__main__':
    main()
