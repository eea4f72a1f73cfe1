import { modelKey, type ModelRef, type RunPlan, type StagePlan } from './run-plan.ts';
import type { ModelCosts } from './model-costs.ts';

/** A measured probe of one model at one size: a training step's seconds and activation bytes, per image. */
export interface Probe {
  secondsPerImage: number;
  activationBytesPerImage: number;
}

/** One stage: images = steps · batch; FLOPs = images · 2 · (3·MACs(trained) + Σ MACs(frozen)). */
export function stage(
  costs: ModelCosts,
  name: string,
  steps: number,
  batch: number,
  trained: ModelRef | null,
  frozen: ModelRef[],
  optimizerSlots: number,
): StagePlan {
  const imagesSeen = steps * batch;
  const macs = (trained ? 3 * costs.cost(trained).macs : 0) + frozen.reduce((s, f) => s + costs.cost(f).macs, 0);
  const shown = trained ?? frozen[0];
  return {
    name,
    steps,
    batch,
    imagesSeen,
    inputSize: shown.size,
    model: shown.name,
    trainFlops: imagesSeen * 2 * macs,
    trained,
    frozen,
    optimizerSlots,
  };
}

const F32 = 4;

/**
 * Totals of a run from its stages. Memory of a stage: trained params + grads + optimizer slots
 * and its buffers, frozen models' params + buffers, plus activations × batch (the probe's
 * measured bytes per image, else the analytic op-output sum). Checkpoints: 2 × (params + buffers
 * + optimizer state) of the largest trained stage. Time: Σ images · (s/img of the trained model's
 * step + ⅓ of each frozen model's step), only with probes.
 */
export function finishPlan(
  stages: StagePlan[],
  disk: { exportBytes: number; teacherCacheBytes: number },
  costs: ModelCosts,
  probes: Map<string, Probe> | null = null,
): RunPlan {
  let peak = 0,
    ckpt = 0,
    seconds: number | null = probes ? 0 : null;
  for (const s of stages) {
    let bytes = 0;
    if (s.trained) {
      const c = costs.cost(s.trained);
      bytes += F32 * (c.params * (2 + s.optimizerSlots) + c.buffers);
      ckpt = Math.max(ckpt, 2 * F32 * (c.params * (1 + s.optimizerSlots) + c.buffers));
    }
    for (const f of s.frozen) {
      const c = costs.cost(f);
      bytes += F32 * (c.params + c.buffers);
    }
    const active = s.trained ?? s.frozen[0];
    const probe = probes?.get(modelKey(active));
    bytes += s.batch * (probe ? probe.activationBytesPerImage : costs.cost(active).activationBytes);
    peak = Math.max(peak, bytes);
    if (seconds !== null) {
      const per = (m: ModelRef) => probes!.get(modelKey(m))?.secondsPerImage ?? NaN;
      seconds += s.imagesSeen * ((s.trained ? per(s.trained) : 0) + s.frozen.reduce((t, f) => t + per(f) / 3, 0));
    }
  }
  return {
    stages,
    trainFlops: stages.reduce((t, s) => t + s.trainFlops, 0),
    peakMemoryBytes: peak,
    checkpointBytes: ckpt,
    exportBytes: disk.exportBytes,
    teacherCacheBytes: disk.teacherCacheBytes,
    estSeconds: seconds === null || Number.isNaN(seconds) ? null : seconds,
  };
}

/** params + buffers bytes of a saved model (saveModel writes every state-dict tensor as float32/int32). */
export const exportBytesOf = (costs: ModelCosts, m: ModelRef): number =>
  F32 * (costs.cost(m).params + costs.cost(m).buffers);
