import * as tf from '@tensorflow/tfjs';
import { Rng } from '@kd/core';
import { createModel } from '@kd/models';
import type { StepSource } from '../../trainer/step-source.ts';
import { train } from '../../trainer/trainer.ts';
import type { Probe } from './finish-plan.ts';
import { PROBE_MAX_PIXELS, planScale, scaledSize } from './count-scale.ts';
import { modelKey, type ModelRef, type RunPlan } from './run-plan.ts';

/** Random NHWC input batches [batch, H, W, 3] (seeded), `steps` of them in one epoch. */
function randomSource(size: [number, number], batch: number, steps: number): StepSource {
  const rng = new Rng(7).fork('plan-probe');
  const x = Float32Array.from({ length: batch * size[0] * size[1] * 3 }, () => rng.normal());
  return {
    stepsPerEpoch: steps,
    async *batches(from, untilEpoch) {
      for (let e = from.epoch; e < untilEpoch; e++) {
        for (let s = e === from.epoch ? from.step : 0; s < steps; s++) {
          yield {
            x: tf.tensor4d(x, [batch, size[0], size[1], 3]),
            mask: null,
            label: null,
            boxes: null,
            targets: null,
            size: batch,
            imageSize: size,
            epoch: e,
            step: s,
            key: `probe|${s}`,
          };
        }
      }
    },
  };
}

/**
 * Measures one model at one size through the real `train()` (Adam) on random input with the task
 * loss Σ mean(output²): `steps` steps of `batch` images; the first is a warm-up, the rest are
 * timed (seconds per image of a training step). Activation bytes per image = bytes tfjs holds at
 * the end of the first step's forward (the tape keeps every activation) minus those held before.
 */
export async function probeModel(ref: ModelRef, batch = 2, steps = 3): Promise<Probe> {
  // Large inputs are timed at [H/f, W/f] and scaled by f² (`planScale`): compute grows with the pixels.
  const f = planScale(ref.size, PROBE_MAX_PIXELS);
  const model = createModel(ref.name, { ...ref.opts, rng: new Rng(1).fork('plan') } as never);
  const before = tf.memory().numBytes;
  let activation = 0;
  const stamps: number[] = [];
  try {
    await train({
      model,
      source: randomSource(scaledSize(ref.size, f), batch, steps),
      epochs: 1,
      optimizer: { kind: 'adam', lr: 1e-4 },
      stage: 'probe',
      task: (s) => {
        const loss = tf.addN(s.outputs.map((o) => tf.mean(tf.square(o)))) as tf.Scalar;
        if (stamps.length === 0) activation = Math.max(activation, tf.memory().numBytes - before);
        return loss;
      },
      callbacks: [{ onStep: () => void stamps.push(performance.now()) }],
    });
  } finally {
    model.dispose();
  }
  const timed = stamps.length > 1 ? (stamps[stamps.length - 1] - stamps[0]) / 1000 / (stamps.length - 1) : NaN;
  return { secondsPerImage: (f * f * timed) / batch, activationBytesPerImage: (f * f * activation) / batch };
}

/** Probes every distinct (model, size) the plans train or forward, once each. */
export async function probePlans(
  plans: readonly RunPlan[],
  o: { batch?: number; steps?: number } = {},
): Promise<Map<string, Probe>> {
  const refs = new Map<string, ModelRef>();
  for (const p of plans)
    for (const s of p.stages)
      for (const m of [...(s.trained ? [s.trained] : []), ...s.frozen]) refs.set(modelKey(m), m);
  const probes = new Map<string, Probe>();
  for (const [k, ref] of refs) probes.set(k, await probeModel(ref, o.batch, o.steps));
  return probes;
}
