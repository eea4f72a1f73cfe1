"""KD-SCFNet losses (Paddle semantics): soft dice, PBSM boundary dice, soft-dice KD.
Imported by make_goldens.py (in order: the families share one random stream)."""

import torch
import torch.nn.functional as F

from golden_common import nhwc, rand, save

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
