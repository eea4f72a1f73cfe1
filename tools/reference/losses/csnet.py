"""CSNet: BCE + dynamic weight decay, with the γ gradients.
Imported by make_goldens.py (in order: the families share one random stream)."""

import numpy as np
import torch
import torch.nn.functional as F

from golden_common import nhwc, rand, rs, save

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
