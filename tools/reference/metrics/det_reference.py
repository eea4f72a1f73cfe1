"""Reference detection metrics written from the documented algorithms of the VOC devkit /
py-faster-rcnn `voc_eval` (11-point and all-point AP) and pycocotools `COCOeval` (bbox).
Writes packages/bench/fixtures/det-cases.json. numpy only; pycocotools is not installed here.

Run: python3 tools/reference/metrics/det_reference.py
Documented choices: detections with equal scores keep input order (stable sort) in both;
a VOC class without non-difficult gt has AP null and is left out of the mAP.
"""
import json
import os

import numpy as np


# ---------------------------------------------------------------- VOC
def voc_ap(rec, prec, use07):
    if use07:
        ap = 0.0
        for t in np.arange(0.0, 1.1, 0.1):
            p = 0 if np.sum(rec >= t) == 0 else np.max(prec[rec >= t])
            ap = ap + p / 11.0
        return ap
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def voc_eval(case, use07, plus_one=True, thr=0.5):
    one = 1.0 if plus_one else 0.0
    per, aps = {}, []
    for cls in case["classes"]:
        recs, npos = {}, 0
        for g in case["gt"]:
            if g["class"] != cls:
                continue
            r = recs.setdefault(str(g["image_id"]), dict(bbox=[], difficult=[], det=[]))
            r["bbox"].append(g["bbox"])
            r["difficult"].append(bool(g.get("difficult", False)))
            r["det"].append(False)
            npos += 0 if g.get("difficult", False) else 1
        dets = [d for d in case["dets"] if d["class"] == cls]
        order = np.argsort([-d["score"] for d in dets], kind="mergesort")
        tp, fp = np.zeros(len(dets)), np.zeros(len(dets))
        for rank, di in enumerate(order):
            d = dets[di]
            r = recs.get(str(d["image_id"]))
            bb = np.array(d["bbox"], float)
            ovmax = -np.inf
            if r is not None and len(r["bbox"]):
                g = np.array(r["bbox"], float)
                iw = np.maximum(np.minimum(g[:, 2], bb[2]) - np.maximum(g[:, 0], bb[0]) + one, 0.0)
                ih = np.maximum(np.minimum(g[:, 3], bb[3]) - np.maximum(g[:, 1], bb[1]) + one, 0.0)
                inter = iw * ih
                uni = (bb[2] - bb[0] + one) * (bb[3] - bb[1] + one) + (g[:, 2] - g[:, 0] + one) * (g[:, 3] - g[:, 1] + one) - inter
                ov = inter / uni
                ovmax, jmax = np.max(ov), int(np.argmax(ov))
            if ovmax > thr:
                if not r["difficult"][jmax]:
                    if not r["det"][jmax]:
                        tp[rank] = 1
                        r["det"][jmax] = True
                    else:
                        fp[rank] = 1
            else:
                fp[rank] = 1
        if npos == 0:
            per[str(cls)] = None
            continue
        ctp, cfp = np.cumsum(tp), np.cumsum(fp)
        rec = ctp / float(npos)
        prec = ctp / np.maximum(ctp + cfp, np.finfo(np.float64).eps)
        ap = float(voc_ap(rec, prec, use07))
        per[str(cls)] = ap
        aps.append(ap)
    return dict(mAP=float(np.mean(aps)) if aps else None, per_class=per)


# ---------------------------------------------------------------- COCO
IOU_THRS = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
REC_THRS = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
AREAS = [[0, 1e5 ** 2], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]]
MAXDETS = [1, 10, 100]


def xywh(b):
    return [b[0], b[1], b[2] - b[0], b[3] - b[1]]


def iou_matrix(dts, gts):
    out = np.zeros((len(dts), len(gts)))
    for i, d in enumerate(dts):
        dx, dy, dw, dh = d["xywh"]
        for j, g in enumerate(gts):
            gx, gy, gw, gh = g["xywh"]
            w = min(dx + dw, gx + gw) - max(dx, gx)
            h = min(dy + dh, gy + gh) - max(dy, gy)
            if w <= 0 or h <= 0:
                continue
            inter = w * h
            u = dw * dh if g["iscrowd"] else dw * dh + gw * gh - inter
            out[i, j] = inter / u
    return out


def evaluate_img(gts, dts, arng, maxdet):
    if not gts and not dts:
        return None
    for g in gts:
        g["_ignore"] = 1 if (g["iscrowd"] or g["area"] < arng[0] or g["area"] > arng[1]) else 0
    gtind = np.argsort([g["_ignore"] for g in gts], kind="mergesort")
    gts = [gts[i] for i in gtind]
    dtind = np.argsort([-d["score"] for d in dts], kind="mergesort")
    dts = [dts[i] for i in dtind[:maxdet]]
    ious = iou_matrix(dts, gts)
    T, G, D = len(IOU_THRS), len(gts), len(dts)
    gtm, dtm = np.zeros((T, G)), np.zeros((T, D))
    gtig = np.array([g["_ignore"] for g in gts])
    dtig = np.zeros((T, D))
    if G and D:
        for ti, t in enumerate(IOU_THRS):
            for di in range(D):
                iou, m = min([t, 1 - 1e-10]), -1
                for gi in range(G):
                    if gtm[ti, gi] > 0 and not gts[gi]["iscrowd"]:
                        continue
                    if m > -1 and gtig[m] == 0 and gtig[gi] == 1:
                        break
                    if ious[di, gi] < iou:
                        continue
                    iou, m = ious[di, gi], gi
                if m == -1:
                    continue
                dtig[ti, di] = gtig[m]
                dtm[ti, di] = 1
                gtm[ti, m] = 1
    a = np.array([d["area"] < arng[0] or d["area"] > arng[1] for d in dts]).reshape((1, D))
    dtig = np.logical_or(dtig, np.logical_and(dtm == 0, np.repeat(a, T, 0)))
    return dict(scores=[d["score"] for d in dts], dtm=dtm, dtig=dtig, gtig=gtig)


def coco_eval(case):
    images = sorted(case["images"])
    K, A, M, T, R = len(case["classes"]), len(AREAS), len(MAXDETS), len(IOU_THRS), len(REC_THRS)
    precision = -np.ones((T, R, K, A, M))
    recall = -np.ones((T, K, A, M))
    for k, cls in enumerate(case["classes"]):
        gts = {im: [] for im in images}
        dts = {im: [] for im in images}
        for g in case["gt"]:
            if g["class"] == cls:
                b = xywh(g["bbox"])
                gts[g["image_id"]].append(dict(xywh=b, area=g.get("area", b[2] * b[3]), iscrowd=int(g.get("iscrowd", 0))))
        for d in case["dets"]:
            if d["class"] == cls:
                b = xywh(d["bbox"])
                dts[d["image_id"]].append(dict(xywh=b, area=b[2] * b[3], score=d["score"]))
        for a, arng in enumerate(AREAS):
            E = [evaluate_img([dict(g) for g in gts[im]], dts[im], arng, MAXDETS[-1]) for im in images]
            E = [e for e in E if e is not None]
            if not E:
                continue
            gtig = np.concatenate([e["gtig"] for e in E])
            npig = np.count_nonzero(gtig == 0)
            if npig == 0:
                continue
            for m, maxdet in enumerate(MAXDETS):
                sc = np.concatenate([e["scores"][:maxdet] for e in E])
                inds = np.argsort(-sc, kind="mergesort")
                dtm = np.concatenate([e["dtm"][:, :maxdet] for e in E], axis=1)[:, inds]
                dtig = np.concatenate([e["dtig"][:, :maxdet] for e in E], axis=1)[:, inds]
                tps = np.logical_and(dtm, np.logical_not(dtig))
                fps = np.logical_and(np.logical_not(dtm), np.logical_not(dtig))
                tp_sum = np.cumsum(tps, axis=1).astype(float)
                fp_sum = np.cumsum(fps, axis=1).astype(float)
                for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
                    nd = len(tp)
                    rc = tp / npig
                    pr = (tp / (fp + tp + np.spacing(1))).tolist()
                    q = np.zeros(R)
                    recall[t, k, a, m] = rc[-1] if nd else 0
                    for i in range(nd - 1, 0, -1):
                        if pr[i] > pr[i - 1]:
                            pr[i - 1] = pr[i]
                    for ri, pi in enumerate(np.searchsorted(rc, REC_THRS, side="left")):
                        if pi >= len(pr):
                            break
                        q[ri] = pr[pi]
                    precision[t, :, k, a, m] = q

    def summ(ap, iou=None, a=0, m=2, k=None):
        s = precision if ap else recall
        if iou is not None:
            s = s[np.where(iou == IOU_THRS)[0]]
        s = s[:, :, :, a, m] if ap else s[:, :, a, m]
        if k is not None:
            s = s[:, :, k] if ap else s[:, k]
        v = s[s > -1]
        return None if v.size == 0 else float(np.mean(v))

    res = dict(AP=summ(1), AP50=summ(1, 0.5), AP75=summ(1, 0.75), APs=summ(1, a=1), APm=summ(1, a=2), APl=summ(1, a=3),
               AR1=summ(0, m=0), AR10=summ(0, m=1), AR100=summ(0), ARs=summ(0, a=1), ARm=summ(0, a=2), ARl=summ(0, a=3))
    res["per_class_AP"] = {str(c): summ(1, k=k) for k, c in enumerate(case["classes"])}
    return res


# ---------------------------------------------------------------- cases
def finish(case):
    ids = lambda key: sorted({o[key] for o in case["gt"] + case["dets"]}, key=lambda v: (isinstance(v, str), v))
    case.setdefault("images", ids("image_id"))
    case.setdefault("classes", ids("class"))
    return case


def mk(case):
    for o in case["gt"] + case["dets"]:
        o["class"] = o.pop("class_")
    return finish(case)


def rand_box(rng, size=120, lo=4, hi=70):
    x, y = rng.uniform(0, size - hi, 2)
    w, h = rng.uniform(lo, hi, 2)
    return [round(float(x), 1), round(float(y), 1), round(float(x + w), 1), round(float(y + h), 1)]


def jitter(rng, b, s):
    return [round(float(v + rng.normal(0, s)), 1) for v in b]


def cases():
    rng = np.random.default_rng(99)
    out = []
    # IoU exactly 0.5 (with +1: 50/100; without +1 a different box gives 50/100)
    out.append(mk(dict(name="iou exactly 0.5 (+1 boxes)", gt=[dict(image_id=1, class_="a", bbox=[0, 0, 9, 9])],
                           dets=[dict(image_id=1, class_="a", score=0.9, bbox=[0, 0, 9, 4])])))
    out.append(mk(dict(name="iou exactly 0.5 (no +1 boxes)", gt=[dict(image_id=1, class_="a", bbox=[0, 0, 10, 10])],
                           dets=[dict(image_id=1, class_="a", score=0.9, bbox=[0, 0, 10, 5])])))
    # duplicates: three detections on one gt, plus a miss
    out.append(mk(dict(name="duplicate detections", gt=[dict(image_id=1, class_="a", bbox=[10, 10, 50, 50]), dict(image_id=2, class_="a", bbox=[0, 0, 20, 20])],
                           dets=[dict(image_id=1, class_="a", score=s, bbox=[10 + i, 10, 50 + i, 50]) for i, s in enumerate([0.9, 0.8, 0.95])])))
    # difficult gt: a detection on it is ignored in VOC
    out.append(mk(dict(name="difficult boxes", gt=[dict(image_id=1, class_="a", bbox=[0, 0, 30, 30], difficult=True), dict(image_id=1, class_="a", bbox=[60, 60, 90, 90])],
                           dets=[dict(image_id=1, class_="a", score=0.9, bbox=[0, 0, 30, 30]), dict(image_id=1, class_="a", score=0.5, bbox=[61, 60, 90, 91]), dict(image_id=1, class_="a", score=0.7, bbox=[100, 100, 110, 110])])))
    # class present only in detections (absent from gt) and a class with gt but no detections
    out.append(mk(dict(name="classes absent from gt", classes=["a", "b", "c"], gt=[dict(image_id=1, class_="a", bbox=[0, 0, 40, 40]), dict(image_id=1, class_="c", bbox=[50, 50, 80, 80])],
                           dets=[dict(image_id=1, class_="a", score=0.9, bbox=[0, 0, 40, 38]), dict(image_id=1, class_="b", score=0.8, bbox=[0, 0, 10, 10])])))
    # two identical gt boxes: VOC assigns both detections to the first (the second is a duplicate)
    out.append(mk(dict(name="iou ties between gt boxes", gt=[dict(image_id=1, class_="a", bbox=[0, 0, 20, 20]), dict(image_id=1, class_="a", bbox=[0, 0, 20, 20])],
                       dets=[dict(image_id=1, class_="a", score=0.9, bbox=[0, 0, 20, 19]), dict(image_id=1, class_="a", score=0.8, bbox=[0, 1, 20, 20])])))
    # crowd region absorbs detections (COCO)
    out.append(mk(dict(name="crowd", gt=[dict(image_id=1, class_="p", bbox=[0, 0, 100, 100], iscrowd=1), dict(image_id=1, class_="p", bbox=[120, 0, 160, 50])],
                           dets=[dict(image_id=1, class_="p", score=0.9, bbox=[10, 10, 40, 40]), dict(image_id=1, class_="p", score=0.8, bbox=[50, 50, 90, 90]), dict(image_id=1, class_="p", score=0.7, bbox=[121, 1, 160, 50])])))
    # areas at the range boundaries: 32*32 = 1024 exactly (small and medium both), 96*96
    out.append(mk(dict(name="area boundaries", gt=[dict(image_id=1, class_="a", bbox=[0, 0, 32, 32]), dict(image_id=1, class_="a", bbox=[100, 100, 196, 196]), dict(image_id=2, class_="a", bbox=[0, 0, 10, 10], area=5000)],
                           dets=[dict(image_id=1, class_="a", score=0.6, bbox=[0, 0, 32, 32]), dict(image_id=1, class_="a", score=0.9, bbox=[101, 100, 196, 196]), dict(image_id=2, class_="a", score=0.8, bbox=[0, 0, 10, 10]), dict(image_id=2, class_="a", score=0.3, bbox=[200, 200, 230, 230])])))
    # >100 detections in one image (only the 100 best count in COCO), tied scores
    g = [dict(image_id=1, class_="a", bbox=rand_box(rng)) for _ in range(30)]
    d = [dict(image_id=1, class_="a", score=round(float(rng.uniform(0, 1)), 2), bbox=jitter(rng, g[i % 30]["bbox"], 3) if i < 60 else rand_box(rng)) for i in range(130)]
    out.append(mk(dict(name="more than 100 detections per image", gt=g, dets=d)))
    # random multi-image, multi-class, with difficult/crowd and score ties
    gt, dets = [], []
    for im in range(1, 9):
        for _ in range(int(rng.integers(1, 6))):
            b = rand_box(rng)
            cls = ["cat", "dog", "bird"][int(rng.integers(0, 3))]
            gt.append(dict(image_id=im, class_=cls, bbox=b, difficult=bool(rng.random() < 0.1), iscrowd=int(rng.random() < 0.05)))
            for _ in range(int(rng.integers(0, 3))):
                dets.append(dict(image_id=im, class_=cls if rng.random() < 0.8 else "dog", score=round(float(rng.uniform(0.05, 1)), 1), bbox=jitter(rng, b, 4)))
        for _ in range(int(rng.integers(0, 3))):
            dets.append(dict(image_id=im, class_="cat", score=round(float(rng.uniform(0, 0.6)), 1), bbox=rand_box(rng)))
    out.append(mk(dict(name="random 8 images 3 classes", gt=gt, dets=dets)))
    return out


def main():
    res = []
    for c in cases():
        c["expected"] = dict(voc07=voc_eval(c, True), voc_all_point=voc_eval(c, False), voc07_no_plus_one=voc_eval(c, True, plus_one=False),
                             voc_all_point_no_plus_one=voc_eval(c, False, plus_one=False), coco=coco_eval(c))
        res.append(c)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "packages", "bench", "fixtures", "det-cases.json")
    with open(path, "w") as fh:
        json.dump(dict(generator="tools/reference/metrics/det_reference.py", cases=res), fh)
    print(f"wrote {path}: {len(res)} cases")


if __name__ == "__main__":
    main()
