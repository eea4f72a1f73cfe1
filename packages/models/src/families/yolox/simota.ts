import { iouXyxy } from './box-ops.ts';
import type { Priors } from './priors.ts';

export interface SimOtaOptions {
  /** Half side of the centre region, in strides (2.5). */
  centerRadius?: number;
  /** How many top IoUs per gt are summed to get its dynamic k (10). */
  candidateTopk?: number;
  /** Weights of the IoU and classification costs (3 and 1). */
  iouWeight?: number;
  clsWeight?: number;
}

export interface SimOtaInput {
  priors: Priors;
  /** [A·4] decoded predicted corners of this image (detached). */
  predBoxes: ArrayLike<number>;
  /** [A·K] joint scores σ(cls_k)·σ(obj) of this image. */
  predScores: ArrayLike<number>;
  numClasses: number;
  /** [G·4] gt corners in input pixels. */
  gtBoxes: ArrayLike<number>;
  /** [G] gt class indices 0..K−1. */
  gtClasses: ArrayLike<number>;
}

export interface SimOtaResult {
  /** [A] matched gt index, −1 for background. */
  assigned: Int32Array;
  /** [A] IoU between the prediction and its matched gt (0 for background): the soft class target. */
  iou: Float32Array;
  numFg: number;
}

const INF = 1e8;
const EPS = 1e-7;

/**
 * SimOTA label assignment (YOLOX; mmdet `SimOTAAssigner`), for one image:
 * 1. Candidates: points whose centre c = ((gx + ½)·s, (gy + ½)·s) lies strictly inside some gt box
 *    or inside some gt's centre square (gt centre ± r·s, r = 2.5).
 * 2. Cost per (candidate, gt): Σ_k BCE(√(σ(cls_k)·σ(obj)), onehot_k) + 3·(−log(IoU + 1e-7))
 *    + 1e8 unless the centre is inside both that gt's box and its centre square.
 * 3. Dynamic k per gt: ⌊Σ of its top-min(10, #candidates) IoUs⌋, at least 1; the gt takes its k
 *    cheapest candidates (ties: lower point index).
 * 4. A point taken by several gts goes to the gt of lowest cost among all gts (mmdet's argmin;
 *    ties: lower gt index).
 * No gt or no candidate: every point is background. BCE logs are clamped at −100 (PyTorch).
 */
export function simOta(inp: SimOtaInput, opts: SimOtaOptions = {}): SimOtaResult {
  const r = opts.centerRadius ?? 2.5,
    topk = opts.candidateTopk ?? 10;
  const wIou = opts.iouWeight ?? 3,
    wCls = opts.clsWeight ?? 1;
  const { priors, predBoxes, predScores, gtBoxes, gtClasses, numClasses: K } = inp;
  const A = priors.count,
    G = gtClasses.length;
  const assigned = new Int32Array(A).fill(-1);
  const iouOut = new Float32Array(A);
  if (G === 0) return { assigned, iou: iouOut, numFg: 0 };
  // 1. candidates and the in-box-and-centre flags
  const cand: number[] = [];
  const inBoth: Uint8Array[] = [];
  for (let p = 0; p < A; p++) {
    const s = priors.stride[p],
      x = (priors.gridX[p] + 0.5) * s,
      y = (priors.gridY[p] + 0.5) * s;
    const both = new Uint8Array(G);
    let any = false;
    for (let g = 0; g < G; g++) {
      const [x1, y1, x2, y2] = [gtBoxes[4 * g], gtBoxes[4 * g + 1], gtBoxes[4 * g + 2], gtBoxes[4 * g + 3]];
      const inBox = Math.min(x - x1, y - y1, x2 - x, y2 - y) > 0;
      const cx = (x1 + x2) / 2,
        cy = (y1 + y2) / 2;
      const inCtr = Math.min(x - (cx - r * s), y - (cy - r * s), cx + r * s - x, cy + r * s - y) > 0;
      if (inBox || inCtr) any = true;
      both[g] = inBox && inCtr ? 1 : 0;
    }
    if (any) {
      cand.push(p);
      inBoth.push(both);
    }
  }
  const V = cand.length;
  if (V === 0) return { assigned, iou: iouOut, numFg: 0 };
  // 2. pairwise IoU and cost, [V, G]
  const ious = new Float64Array(V * G),
    cost = new Float64Array(V * G);
  const log = (v: number) => Math.max(Math.log(v), -100);
  for (let v = 0; v < V; v++) {
    const p = cand[v];
    for (let g = 0; g < G; g++) {
      const iou = iouXyxy(predBoxes, gtBoxes, 4 * p, 4 * g);
      ious[v * G + g] = iou;
      let cls = 0;
      for (let k = 0; k < K; k++) {
        const q = Math.sqrt(predScores[p * K + k]);
        cls -= k === gtClasses[g] ? log(q) : log(1 - q);
      }
      cost[v * G + g] = wCls * cls + wIou * -Math.log(iou + EPS) + (inBoth[v][g] ? 0 : INF);
    }
  }
  // 3. dynamic k per gt
  const match = new Uint8Array(V * G);
  const nTop = Math.min(topk, V);
  const idx = Array.from({ length: V }, (_, v) => v);
  for (let g = 0; g < G; g++) {
    const col = idx.map((v) => ious[v * G + g]).sort((a, b) => b - a);
    let sum = 0;
    for (let i = 0; i < nTop; i++) sum += col[i];
    const k = Math.max(Math.trunc(sum), 1);
    const byCost = idx.slice().sort((a, b) => cost[a * G + g] - cost[b * G + g] || a - b);
    for (let i = 0; i < k; i++) match[byCost[i] * G + g] = 1;
  }
  // 4. resolve points claimed by several gts
  let numFg = 0;
  for (let v = 0; v < V; v++) {
    let only = -1,
      count = 0;
    for (let g = 0; g < G; g++)
      if (match[v * G + g]) {
        count++;
        only = g;
      }
    if (count === 0) continue;
    let best = only;
    if (count > 1) {
      // mmdet: the argmin of the cost over *all* gts (first on ties)
      let bestCost = Infinity;
      for (let g = 0; g < G; g++)
        if (cost[v * G + g] < bestCost) {
          bestCost = cost[v * G + g];
          best = g;
        }
    }
    assigned[cand[v]] = best;
    iouOut[cand[v]] = ious[v * G + best];
    numFg++;
  }
  return { assigned, iou: iouOut, numFg };
}
