"""Reference SOD metrics written from the PySODMetrics 1.6 documented algorithms (numpy/scipy),
plus the SalMetric convention. Writes packages/bench/fixtures/sod-cases.json for sod tests.

Run: python3 tools/reference/metrics/sod_reference.py   (numpy + scipy; not PySODMetrics itself)
Convention choices that differ from a literal PySODMetrics run are marked CONVENTION.
"""
import json
import os

import numpy as np
from scipy import ndimage

EPS = np.spacing(1)


def prepare(pred, gt):
    gt = gt > 128
    pred = pred / 255.0
    if pred.max() != pred.min():
        pred = (pred - pred.min()) / (pred.max() - pred.min())
    return pred, gt


def f_curve(pred, gt, beta2=0.3):
    q = (pred * 255).astype(np.uint8)
    bins = np.linspace(0, 256, 257)
    fg, _ = np.histogram(q[gt], bins=bins)
    bg, _ = np.histogram(q[~gt], bins=bins)
    tp = np.cumsum(np.flip(fg))
    ps = tp + np.cumsum(np.flip(bg))
    ps[ps == 0] = 1
    t = max(np.count_nonzero(gt), 1)
    p = tp / ps
    r = tp / t
    num = (1 + beta2) * p * r
    den = np.where(num == 0, 1, beta2 * p + r)
    return p, r, num / den


def adaptive_f(pred, gt, beta2=0.3):
    thr = min(2 * pred.mean(), 1)
    b = pred >= thr
    inter = np.count_nonzero(b & gt)
    if inter == 0:
        return 0.0
    p = inter / np.count_nonzero(b)
    r = inter / np.count_nonzero(gt)
    return (1 + beta2) * p * r / (beta2 * p + r)


def s_object(x):
    mean = np.mean(x)
    std = np.std(x, ddof=1) if x.size > 1 else 0
    return 2 * mean / (mean ** 2 + 1 + std + EPS)


def ssim(pred, gt):
    n = pred.size
    if n == 0:  # CONVENTION: an empty quadrant contributes 0 (numpy would give NaN)
        return 0.0
    x, y = pred.mean(), gt.mean()
    sx = np.sum((pred - x) ** 2) / (n - 1 + EPS)
    sy = np.sum((gt - y) ** 2) / (n - 1 + EPS)
    sxy = np.sum((pred - x) * (gt - y)) / (n - 1 + EPS)
    a = 4 * x * y * sxy
    b = (x ** 2 + y ** 2) * (sx + sy)
    if a != 0:
        return a / (b + EPS)
    return 1.0 if b == 0 else 0.0


def s_measure(pred, gt, alpha=0.5):
    y = gt.mean()
    if y == 0:
        return 1 - pred.mean()
    if y == 1:
        return pred.mean()
    obj = (s_object(pred[gt]) * y + s_object((1 - pred)[~gt]) * (1 - y)) * alpha
    h, w = gt.shape
    cy, cx = np.argwhere(gt).mean(axis=0).round()
    cy, cx = int(cy) + 1, int(cx) + 1
    area = h * w
    w1 = cx * cy / area
    w2 = cy * (w - cx) / area
    w3 = (h - cy) * cx / area
    w4 = 1 - w1 - w2 - w3
    g = gt.astype(np.float64)
    reg = (ssim(pred[:cy, :cx], g[:cy, :cx]) * w1 + ssim(pred[:cy, cx:], g[:cy, cx:]) * w2
           + ssim(pred[cy:, :cx], g[cy:, :cx]) * w3 + ssim(pred[cy:, cx:], g[cy:, cx:]) * w4)
    return max(0.0, obj + reg * (1 - alpha))


def em_from_counts(fgfg, fgbg, gtfg, n):
    predfg = fgfg + fgbg
    predbg = n - predfg
    if gtfg == 0:
        s = predbg
    elif gtfg == n:
        s = predfg
    else:
        bgfg = gtfg - fgfg
        bgbg = predbg - bgfg
        mp, mg = predfg / n, gtfg / n
        parts = [(fgfg, 1 - mp, 1 - mg), (fgbg, 1 - mp, -mg), (bgfg, -mp, 1 - mg), (bgbg, -mp, -mg)]
        s = 0.0
        for cnt, a, b in parts:
            phi = 2 * (a * b) / (a ** 2 + b ** 2 + EPS)
            s = s + ((phi + 1) ** 2 / 4) * cnt
    return s / (n - 1 + EPS)


def e_curve(pred, gt):
    q = (pred * 255).astype(np.uint8)
    n = gt.size
    gtfg = np.count_nonzero(gt)
    out = []
    for t in range(255, -1, -1):
        b = q >= t
        out.append(em_from_counts(np.count_nonzero(b & gt), np.count_nonzero(b & ~gt), gtfg, n))
    return np.array(out, dtype=np.float64)


def adaptive_e(pred, gt):
    thr = min(2 * pred.mean(), 1)
    b = pred >= thr
    return em_from_counts(np.count_nonzero(b & gt), np.count_nonzero(b & ~gt), np.count_nonzero(gt), gt.size)


def gauss7(sigma=5):
    y, x = np.ogrid[-3:4, -3:4]
    h = np.exp(-(x * x + y * y) / (2 * sigma * sigma))
    h[h < np.finfo(h.dtype).eps * h.max()] = 0
    return h / h.sum()


def weighted_f(pred, gt):
    if not gt.any():
        return 0.0
    dst, idx = ndimage.distance_transform_edt(gt == 0, return_indices=True)
    e = np.abs(pred - gt)
    et = e.copy()
    bgm = gt == 0
    et[bgm] = et[idx[0][bgm], idx[1][bgm]]
    ea = ndimage.convolve(et, gauss7(), mode="constant", cval=0)
    m = np.where(gt & (ea < e), ea, e)
    b = np.where(bgm, 2 - np.exp(np.log(0.5) / 5 * dst), 1.0)
    ew = m * b
    tpw = np.sum(gt) - np.sum(ew[gt])
    fpw = np.sum(ew[bgm])
    r = 1 - np.mean(ew[gt])
    p = tpw / (tpw + fpw + EPS)
    return 2 * r * p / (r + p + EPS)


def per_image(pred_u8, gt_u8):
    pred, gt = prepare(pred_u8.astype(np.float64), gt_u8)
    p, r, f = f_curve(pred, gt)
    em = e_curve(pred, gt)
    return dict(MAE=float(np.mean(np.abs(pred - gt))), Smeasure=float(s_measure(pred, gt)),
                wFmeasure=float(weighted_f(pred, gt)), adpFm=float(adaptive_f(pred, gt)),
                adpEm=float(adaptive_e(pred, gt)), meanFm=float(f.mean()), maxFm=float(f.max()),
                meanEm=float(em.mean()), maxEm=float(em.max())), (p, r, f, em)


def salmetric(preds, gts):
    P = np.zeros(256)
    R = np.zeros(256)
    mae = 0.0
    for s, g in zip(preds, gts):
        s = s.astype(np.float64)
        g = g.astype(np.float64)
        mae += np.mean(np.abs(s - g) / 255.0)
        gb = g > 128
        for t in range(256):
            a = s > t
            ab = np.count_nonzero(a & gb)
            P[t] += (ab + 1e-4) / (np.count_nonzero(a) + 1e-4)
            R[t] += (ab + 1e-4) / (np.count_nonzero(gb) + 1e-4)
    n = len(preds)
    P /= n
    R /= n
    F = 1.3 * P * R / (0.3 * P + R)
    return dict(MAE=mae / n, maxFm=float(max(0.0, F.max())), meanFm=float(F.mean()))


def blob(h, w, cy, cx, r):
    yy, xx = np.mgrid[:h, :w]
    return ((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r)


def cases():
    rng = np.random.default_rng(20240606)
    c = []
    u8 = lambda a: np.asarray(a, dtype=np.uint8)
    c.append(("1x1 gt black pred 0", u8([[0]]), u8([[0]])))
    c.append(("1x1 gt black pred 200", u8([[200]]), u8([[0]])))
    c.append(("1x1 gt white pred 255", u8([[255]]), u8([[255]])))
    c.append(("1x1 gt white pred 0", u8([[0]]), u8([[255]])))
    g = blob(9, 11, 4, 5, 3)
    c.append(("all-black gt, soft pred", u8(rng.integers(0, 256, (9, 11))), u8(np.zeros((9, 11)))))
    c.append(("all-white gt, soft pred", u8(rng.integers(0, 256, (9, 11))), u8(np.full((9, 11), 255))))
    c.append(("all-black gt, constant pred 0", u8(np.zeros((6, 7))), u8(np.zeros((6, 7)))))
    c.append(("constant pred 128", u8(np.full((9, 11), 128)), u8(g * 255)))
    c.append(("constant pred 0", u8(np.zeros((9, 11))), u8(g * 255)))
    c.append(("constant pred 255", u8(np.full((9, 11), 255)), u8(g * 255)))
    c.append(("pred equals gt", u8(g * 255), u8(g * 255)))
    c.append(("inverted pred", u8((~g) * 255), u8(g * 255)))
    one = np.zeros((7, 8), bool); one[3, 4] = True
    c.append(("single fg pixel", u8(rng.integers(0, 256, (7, 8))), u8(one * 255)))
    one_bg = ~one
    c.append(("single bg pixel", u8(rng.integers(0, 256, (7, 8))), u8(one_bg * 255)))
    last = np.zeros((6, 9), bool); last[5, 2:6] = True
    c.append(("fg only in last row (empty quadrants)", u8(rng.integers(0, 256, (6, 9))), u8(last * 255)))
    strip = np.zeros((1, 12), bool); strip[0, 3:7] = True
    c.append(("1x12 strip", u8(rng.integers(0, 256, (1, 12))), u8(strip * 255)))
    col = np.zeros((10, 1), bool); col[2:5, 0] = True
    c.append(("10x1 column", u8(rng.integers(0, 256, (10, 1))), u8(col * 255)))
    ties = np.zeros((9, 9), bool); ties[1, 1] = ties[1, 7] = ties[7, 1] = ties[7, 7] = True; ties[4, 4] = True
    soft = u8(rng.integers(0, 256, (9, 9)))
    c.append(("equidistant fg pixels (EDT ties)", soft, u8(ties * 255)))
    c.append(("gt values 128/129 threshold", u8(rng.integers(0, 256, (5, 6))), u8(np.array([[128, 129] * 3] * 5))))
    for k in range(6):
        h, w = rng.integers(12, 30), rng.integers(12, 30)
        gt = blob(h, w, rng.integers(3, h - 3), rng.integers(3, w - 3), rng.integers(2, 7))
        if k % 2:
            gt |= blob(h, w, rng.integers(0, h), rng.integers(0, w), rng.integers(1, 4))
        noise = rng.normal(0, 40, (h, w))
        pred = np.clip(gt * 200 + 30 + noise, 0, 255)
        c.append((f"random blob {k}", u8(pred), u8(gt * 255 if k != 3 else gt * 200 + 20)))
    return c


def main():
    out = []
    preds, gts = [], []
    curves = []
    for name, pred, gt in cases():
        scores, cv = per_image(pred, gt)
        out.append(dict(name=name, height=int(gt.shape[0]), width=int(gt.shape[1]),
                        pred=pred.ravel().tolist(), gt=gt.ravel().tolist(), expected=scores))
        preds.append(pred)
        gts.append(gt)
        curves.append(cv)
    # Dataset summary over the images larger than 1x1: a 1x1 image's E-measure divides by
    # N - 1 + eps = eps (~4.5e15, faithful to PySODMetrics) and would swamp every mean.
    keep = [i for i, o in enumerate(out) if o["height"] * o["width"] > 1]
    f = np.mean([curves[i][2] for i in keep], axis=0)
    em = np.mean([curves[i][3] for i in keep], axis=0)
    summary = {k: float(np.mean([out[i]["expected"][k] for i in keep])) for k in ["MAE", "Smeasure", "wFmeasure", "adpFm", "adpEm"]}
    summary.update(meanFm=float(f.mean()), maxFm=float(f.max()), meanEm=float(em.mean()), maxEm=float(em.max()), num_images=len(keep))
    res = dict(generator="tools/reference/metrics/sod_reference.py", images=out, summary=summary,
               curves=dict(fm=f.tolist(), em=em.tolist(), precision=np.mean([curves[i][0] for i in keep], axis=0).tolist(),
                           recall=np.mean([curves[i][1] for i in keep], axis=0).tolist()),
               salmetric=salmetric(preds, gts))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "packages", "bench", "fixtures", "sod-cases.json")
    with open(path, "w") as fh:
        json.dump(res, fh)
    print(f"wrote {path}: {len(out)} images")


if __name__ == "__main__":
    main()
