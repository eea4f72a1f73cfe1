"""BCD (kdlab's formulation): edge strength, boundary and context distillation.
Imported by make_goldens.py (in order: the families share one random stream)."""

import torch
import torch.nn.functional as F

from golden_common import nhwc, rand, save

# ---------------------------------------------------------------- BCD (kdlab's formulation)
def edge(x):
    f = F.normalize(x, dim=1)
    p = F.pad(f, (1, 1, 1, 1), mode='replicate')
    h, w = x.shape[2:]
    sims = [(f * p[:, :, dy:dy + h, dx:dx + w]).sum(1) for dy in range(3) for dx in range(3) if (dy, dx) != (1, 1)]
    return 1 - sum(sims) / 8


def bd(ss, ts, form='mse', tau=1.0):
    total = 0
    for s_, t_ in zip(ss, ts):
        if s_.shape[2:] != t_.shape[2:]:
            s_ = F.interpolate(s_, size=t_.shape[2:], mode='bilinear', align_corners=False)
        es, et = edge(s_), edge(t_)
        if form == 'mse':
            total = total + ((es - et) ** 2).mean()
        else:
            n = es.shape[0]
            ls, lt = F.log_softmax(es.reshape(n, -1) / tau, 1), F.log_softmax(et.reshape(n, -1) / tau, 1)
            total = total + tau * tau * (lt.exp() * (lt - ls)).sum(1).mean()
    return total


def cd(s_, t_, tau=0.1, grid=None):
    if grid is None:
        grid = (min(s_.shape[2], t_.shape[2], 32), min(s_.shape[3], t_.shape[3], 64))
    def rel(x):
        x = F.adaptive_avg_pool2d(x, grid)
        n, c = x.shape[:2]
        f = F.normalize(x.reshape(n, c, -1), dim=1)
        return F.log_softmax(torch.bmm(f.transpose(1, 2), f) / tau, 2)
    ls, lt = rel(s_), rel(t_)
    return tau * tau * (lt.exp() * (lt - ls)).sum(2).mean()


s8, t8 = rand(2, 3, 6, 8), rand(2, 5, 6, 8)
s16, t16 = rand(2, 4, 5, 7), rand(2, 6, 3, 4)  # student resized 5x7 -> 3x4
slast, tlast = rand(2, 4, 6, 10), rand(2, 7, 5, 7)
save('bcd', {'s8': nhwc(s8), 't8': nhwc(t8), 's16': nhwc(s16), 't16': nhwc(t16), 'sLast': nhwc(slast), 'tLast': nhwc(tlast),
             'expected': {'edgeT8': edge(t8).tolist(), 'bdMse': bd([s8, s16], [t8, t16]).item(),
                          'bdKl': bd([s8, s16], [t8, t16], 'kl', 0.5).item(), 'cd': cd(slast, tlast).item(),
                          'cdTau1': cd(slast, tlast, 1.0).item(),
                          'adaptivePool': F.adaptive_avg_pool2d(slast, (5, 7)).permute(0, 2, 3, 1).tolist()}})
