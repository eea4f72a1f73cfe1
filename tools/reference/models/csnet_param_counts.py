"""Independent count of CSNet trainable parameters from branch widths (no torch needed).

Follows the official CSNet layer rules (SOD100K CSNet/model/csnet.py, paraphrased):
  gOctaveCBR k×k: one weight [ΣCout, ΣCin, k, k], no bias, + per non-empty out branch BN (γ, β) and PReLU (a)
  SimplifiedGOctConvBR: per non-empty branch depthwise 3×3 weight [C,1,3,3] + BN + PReLU
  MSBlock: per dilation d a 3×3 conv [c_d, Cin, 3, 3] + BN + PReLU over Σ c_d
  cls_layer: 1×1 conv [1, C, 1, 1] + bias
Widths: base configs via the official init_layers(b, [0.5, 0.5]); learned ones from the released
layer_config (docs/methods/csnet.md#released-widths). Writes packages/models/src/families/csnet/param-counts.golden.json.
"""
import json, os

def base(b):
    h = round(b / 2)
    blocks = [[h, h]] + [[h, h]] * 3
    blocks += [[b, b]] * 3 + [[2 * b]]
    blocks += [[2 * b, 2 * b]] * 5 + [[4 * b]]
    blocks += [[2 * b, 2 * b]] * 3 + [[4 * b]]
    fuse = [2 * b // 3, 4 * b // 3, 4 * b // 3]
    ms = [[w // 5] * 4 + [w - 4 * (w // 5)] for w in fuse]
    return blocks, fuse, ms, sum(fuse)

X1 = ([[8,10],[9,10],[10,10],[10,10],[19,13],[19,17],[20,12],[34],[24,21],[26,27],[22,18],[19,18],[23,18],[38],[18,29],[25,24],[26,20],[50]],
      [12,24,24], [[1,2,2,2,4],[1,4,4,4,5],[2,2,4,5,4]], 60)
X2 = ([[13,10],[13,12],[18,11],[18,12],[28,21],[34,22],[31,29],[51],[23,26],[27,26],[25,20],[17,21],[19,25],[38],[18,31],[31,27],[26,44],[64]],
      [17,38,32], [[2,1,2,2,1],[0,6,6,7,5],[0,1,3,7,7]], 79)

def count(cfg):
    blocks, fuse, ms, f11 = cfg
    n, cin = 0, [3]
    for i, outs in enumerate(blocks):
        k = 3 if i in (0, 4, 8, 14) else 1   # stage0.0 and the first block of stages 2, 3, 4
        n += k * k * sum(cin) * sum(outs) + 3 * sum(outs)          # conv1x1 + BN + PReLU
        n += 2 * sum(9 * c + 3 * c for c in outs if c > 0)          # conv3x3_1, conv3x3_2
        cin = outs
    csf_in = [blocks[7][0], blocks[13][0], blocks[17][0]]
    n += sum(csf_in) * sum(fuse) + 3 * sum(fuse)                    # fuse 1×1
    for cin_b, dil in zip(fuse, ms):
        n += sum(9 * cin_b * c for c in dil) + 3 * sum(dil)          # MS block
    n += sum(map(sum, ms)) * f11 + 3 * f11                           # fuse1x1
    return n + f11 + 1                                                # cls_layer

out = {'csnet-l-x1': count(X1), 'csnet-l-x2': count(X2), 'csnet-x1-base': count(base(20)), 'csnet-x2-base': count(base(40))}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'packages', 'models', 'src', 'families', 'csnet', 'param-counts.golden.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
print(out)
