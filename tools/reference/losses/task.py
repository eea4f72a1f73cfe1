"""PyTorch references for the task losses of @kd/losses (soft dice, BCE + dice deep supervision,
cross-entropy with ignore 255), float64. Independent of the TypeScript code.

Run:  /usr/bin/python3 tools/reference/losses/task.py   (repo root; Debian python3-torch)
Writes packages/losses/src/goldens/task.json (inputs NHWC, as the TS side reads them).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', '..', 'packages', 'losses', 'src', 'goldens', 'task.json')
rs = np.random.RandomState(20261206)
torch.set_default_dtype(torch.float64)


def rand(*shape, scale=1.0):
    return torch.tensor((rs.randn(*shape) * scale).astype(np.float32).astype(np.float64))


def nhwc(x):
    return x.permute(0, 2, 3, 1).tolist()


def dice(logits, target, smooth=1.0):
    p = torch.sigmoid(logits)
    inter = (p * target).sum((1, 2, 3))
    return (1 - (2 * inter + smooth) / (p.sum((1, 2, 3)) + target.sum((1, 2, 3)) + smooth)).mean()


outs = [rand(2, 1, 7, 6, scale=2) for _ in range(3)]
soft = torch.sigmoid(rand(2, 1, 7, 6, scale=2))  # soft target in (0,1)
mask = (rand(2, 1, 7, 6) > 0).double()
logits = rand(2, 4, 5, 3, scale=2)
labels = torch.tensor(rs.randint(0, 4, size=(2, 5, 3)))
labels[1, 2, :] = 255
expected = {
    'softDice': dice(outs[0], soft).item(),
    'softDiceSmooth0.5': dice(outs[0], soft, 0.5).item(),
    'bceDice': sum(w * (F.binary_cross_entropy_with_logits(o, mask) + dice(o, mask)) for w, o in zip([1, .5, .25], outs)).item(),
    'crossEntropy': F.cross_entropy(logits, labels, ignore_index=255).item(),
}
with open(OUT, 'w') as f:
    json.dump({'outputs': [nhwc(o) for o in outs], 'softTarget': nhwc(soft), 'mask': nhwc(mask), 'logits': nhwc(logits),
               'labels': labels.tolist(), 'expected': {k: float(f'{v:.9g}') for k, v in expected.items()}}, f, separators=(',', ':'))
print('wrote', os.path.relpath(OUT), json.dumps(expected))
