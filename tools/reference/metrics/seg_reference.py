"""Reference segmentation metrics written from mmseg's IoUMetric algorithm (intersect_and_union
with histc over [0, C-1], ignore index dropped, nan-means). Writes packages/bench/fixtures/seg-cases.json.

Run: python3 tools/reference/metrics/seg_reference.py  (numpy only)
"""
import json
import os

import numpy as np


def histc(x, c):
    # torch.histc(x, bins=c, min=0, max=c-1) on integer labels: values outside [0, c-1] dropped.
    x = x[(x >= 0) & (x <= c - 1)]
    return np.bincount(x.astype(np.int64), minlength=c).astype(np.float64)


def intersect_and_union(pred, label, c, ignore):
    mask = label != ignore
    pred, label = pred[mask], label[mask]
    inter = pred[pred == label]
    ai, ap, al = histc(inter, c), histc(pred, c), histc(label, c)
    return ai, ap + al - ai, ap, al


def metrics(pairs, c, ignore):
    ti = tu = tp = tl = 0
    for pred, label in pairs:
        ai, au, ap, al = intersect_and_union(np.asarray(pred), np.asarray(label), c, ignore)
        ti, tu, tp, tl = ti + ai, tu + au, tp + ap, tl + al
    with np.errstate(divide="ignore", invalid="ignore"):
        iou, acc, dice = ti / tu, ti / tl, 2 * ti / (tp + tl)
        aacc = ti.sum() / tl.sum()
    nm = lambda a: None if np.all(np.isnan(a)) else float(np.nanmean(a))
    nl = lambda a: [None if np.isnan(v) else float(v) for v in a]
    return dict(IoU=nl(iou), mIoU=nm(iou), Acc=nl(acc), mAcc=nm(acc), Dice=nl(dice), mDice=nm(dice),
                aAcc=None if np.isnan(aacc) else float(aacc))


def main():
    rng = np.random.default_rng(7)
    cases = []
    # 1. hand case: 2x3, C=3 (worked in the test comments)
    cases.append(dict(name="hand 2x3", num_classes=3, ignore_index=255,
                      images=[dict(pred=[0, 1, 1, 2, 2, 0], gt=[0, 1, 2, 2, 255, 1])]))
    # 2. class absent from gt and never predicted (null IoU), class predicted but absent from gt (IoU 0)
    cases.append(dict(name="absent classes", num_classes=4, ignore_index=255,
                      images=[dict(pred=[0, 0, 1, 2], gt=[0, 1, 1, 1])]))
    # 3. fully ignored image next to a normal one
    cases.append(dict(name="fully ignored image", num_classes=2, ignore_index=255,
                      images=[dict(pred=[0, 1, 1], gt=[255, 255, 255]), dict(pred=[1, 1, 0], gt=[1, 0, 0])]))
    # 4. predictions outside [0, C): false negatives of their gt class
    cases.append(dict(name="out-of-range predictions", num_classes=3, ignore_index=255,
                      images=[dict(pred=[0, 7, 255, 2, 3], gt=[0, 0, 1, 2, 2])]))
    # 5. all ignored: everything null
    cases.append(dict(name="everything ignored", num_classes=2, ignore_index=255, images=[dict(pred=[0, 1], gt=[255, 255])]))
    # 6. 1x1 images and a custom ignore index
    cases.append(dict(name="1x1 images, ignore 0", num_classes=3, ignore_index=0,
                      images=[dict(pred=[1], gt=[1]), dict(pred=[2], gt=[1]), dict(pred=[1], gt=[0])]))
    # 7. random multi-image, C=5 with ignore pixels and some out-of-range predictions
    imgs = []
    for _ in range(4):
        n = int(rng.integers(20, 60))
        gt = rng.integers(0, 5, n)
        gt[rng.random(n) < 0.15] = 255
        pred = np.where(rng.random(n) < 0.6, gt, rng.integers(0, 6, n))
        pred[pred == 255] = 1
        imgs.append(dict(pred=pred.tolist(), gt=gt.tolist()))
    cases.append(dict(name="random C=5", num_classes=5, ignore_index=255, images=imgs))
    for c in cases:
        c["expected"] = metrics([(i["pred"], i["gt"]) for i in c["images"]], c["num_classes"], c["ignore_index"])
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "packages", "bench", "fixtures", "seg-cases.json")
    with open(path, "w") as fh:
        json.dump(dict(generator="tools/reference/metrics/seg_reference.py", cases=cases), fh)
    print(f"wrote {path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
