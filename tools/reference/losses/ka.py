"""Knowledge Adaptation: ConvTranspose2d, adaptation, affinity, autoencoder and CE.
Imported by make_goldens.py (in order: the families share one random stream)."""

import torch
import torch.nn.functional as F

from golden_common import nhwc, rand, rs, save

# ---------------------------------------------------------------- Knowledge Adaptation
ct_w = rand(4, 3, 3, 3)  # ConvTranspose2d weight [in=4, out=3, k, k]
ct_b = rand(3)
xin = rand(2, 4, 3, 4)
y_s2 = F.conv_transpose2d(xin, ct_w, ct_b, stride=2, padding=1, output_padding=1)
y_s1 = F.conv_transpose2d(xin, ct_w, ct_b, stride=1, padding=1)
latent = rand(2, 5, 4, 6)
adapted = rand(2, 5, 4, 6)
adapted3 = rand(2, 3, 4, 6)
recon = rand(2, 5, 4, 6)


def kta(z, a):
    z = z.flatten(1); a = a.flatten(1)
    return F.l1_loss(a / a.norm(p=2, dim=1, keepdim=True), z / z.norm(p=2, dim=1, keepdim=True))


def affinity(x):
    n, c, h, w = x.shape
    f = F.normalize(x.reshape(n, c, h * w), dim=1)
    return torch.bmm(f.transpose(1, 2), f) / (h * w)


def aff_loss(z, a):
    return (affinity(z) - affinity(a)).norm(p=2, dim=2).mean()


logits = rand(2, 4, 3, 5, scale=2)
labels = torch.tensor(rs.randint(0, 4, size=(2, 3, 5)))
labels[0, 0, :3] = 255
save('ka', {'convT': {'weight': ct_w.permute(2, 3, 1, 0).tolist(), 'bias': ct_b.tolist(), 'x': nhwc(xin), 'yStride2': nhwc(y_s2), 'yStride1': nhwc(y_s1)},
            'latent': nhwc(latent), 'adapted': nhwc(adapted), 'adapted3': nhwc(adapted3), 'reconstruction': nhwc(recon),
            'logits': nhwc(logits), 'labels': labels.tolist(),
            'expected': {'adaptation': kta(latent, adapted).item(), 'affinity': aff_loss(latent, adapted).item(),
                         'affinityC3': aff_loss(latent, adapted3).item(),
                         'autoencoder': (F.mse_loss(recon, latent) + 1e-7 * latent.abs().sum()).item(),
                         'ce': F.cross_entropy(logits, labels, ignore_index=255).item()}})
