/** How the learning rate moves over a run (the one schedule of every training loop). */
export interface LrSchedule {
  /** Base (peak) learning rate. */
  lr: number;
  /**
   * constant; poly (1 − t/T)^0.9 (segmentation recipes); cosine to `floor`·lr (after `warmupSteps`);
   * yolox (YOLOX's `yoloxwarmcos`): quadratic warm-up from 0, cosine to `floor`·lr, flat for `flatSteps`;
   * multistep (PyTorch `MultiStepLR`): lr·`gamma`^k after k of the `milestones` have passed.
   */
  schedule?: 'constant' | 'poly' | 'cosine' | 'yolox' | 'multistep';
  /** Linear warm-up from `warmupFrom`·lr over this many steps. */
  warmupSteps?: number;
  /** Fraction of lr at step 0 of the warm-up (default 0.01; YOLOX 0.1). */
  warmupFrom?: number;
  /** Cosine's final fraction of lr (default 0; YOLOX 0.05). */
  floor?: number;
  /** yolox only: the last steps held at `floor`·lr (YOLOX's no-aug epochs). */
  flatSteps?: number;
  /**
   * multistep only: the milestones as fractions of the run (CSNet: [2/3, 5/6] = epochs 200, 250 of
   * 300); milestone m takes effect from step round(m·total), an epoch boundary when m·epochs is whole.
   */
  milestones?: readonly number[];
  /** multistep only: the factor applied at each milestone (default 0.1). */
  gamma?: number;
}

/**
 * YOLOX's `yolo_warm_cos_lr` (warmup_lr_start 0), with W = `warmupSteps`, F = `flatSteps`,
 * m = floor·lr: step ≤ W → lr·(step/W)²; step ≥ total − F → m; otherwise
 * m + ½(lr − m)(1 + cos(π(step − W)/(total − W − F))).
 */
function yoloxLr(spec: LrSchedule, step: number, total: number): number {
  const W = spec.warmupSteps ?? 0,
    F = spec.flatSteps ?? 0;
  const min = spec.lr * (spec.floor ?? 0);
  if (W > 0 && step <= W) return spec.lr * Math.pow(step / W, 2);
  if (step >= total - F) return min;
  return min + 0.5 * (spec.lr - min) * (1 + Math.cos((Math.PI * (step - W)) / (total - W - F)));
}

/**
 * Learning rate at `step` (0-based) of `total`: during the warm-up lr·(from + (1 − from)·step/W),
 * then with t = (step − W)/(total − W) clipped to 1: constant lr, poly lr·(1 − t)^0.9, or cosine
 * lr·(floor + (1 − floor)·½(1 + cos πt)); yolox: see `yoloxLr`; multistep: lr·gamma^(milestones passed), no warm-up.
 */
export function learningRate(spec: LrSchedule, step: number, total: number): number {
  if (spec.schedule === 'yolox') return yoloxLr(spec, step, total);
  if (spec.schedule === 'multistep') {
    const passed = (spec.milestones ?? []).filter((m) => step >= Math.round(m * total)).length;
    return spec.lr * Math.pow(spec.gamma ?? 0.1, passed);
  }
  const warm = spec.warmupSteps ?? 0;
  if (step < warm) {
    const from = spec.warmupFrom ?? 0.01;
    return spec.lr * (from + ((1 - from) * step) / warm);
  }
  const t = total > warm ? Math.min(1, (step - warm) / (total - warm)) : 1;
  switch (spec.schedule ?? 'constant') {
    case 'constant':
      return spec.lr;
    case 'poly':
      return spec.lr * Math.pow(1 - t, 0.9);
    case 'cosine': {
      const floor = spec.floor ?? 0;
      return floor === 0
        ? spec.lr * 0.5 * (1 + Math.cos(Math.PI * t))
        : spec.lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
  }
}
