import { describe, expect, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import {
  augmentDetSample,
  DET_AUGMENT_DEFAULTS,
  type DetAugmentConfig,
  type DetBatchPlan,
  type Sample,
} from '@kd/data';
import { bceDiceDeepSupervision, crossEntropyIgnore } from '@kd/losses';
import { createModel, type DetectionModel } from '@kd/models';
import { Distiller } from '../distiller.ts';
import { buildTerms } from '../terms/build-terms.ts';
import { softDiceKdTerm } from '../terms/soft-dice-kd-term.ts';
import { loaderSource, planSource } from './step-source.ts';
import { detSamples } from './testing/det-samples.ts';
import { segSource } from './testing/seg-source.ts';
import { sodSource } from './testing/sod-source.ts';
import { train } from './trainer.ts';

/**
 * The one trainer reproduces the four loops it replaced bit for bit (wasm backend): the values
 * below were recorded at commit 2d5e320 with `fitDense` (SOD supervised, KD-SCFNet soft dice,
 * segmentation with pixel KL + BCD terms), `kaTerm`'s own autoencoder loop + `fitDense` (KA),
 * and `fitDetector` + `FsdDistiller` (YOLOX + FSD), on the same toy data and seeds.
 */

const PRE_MOVE = {
  sodSupervised: [2.8418383598327637, 2.677321672439575, 2.5521743297576904],
  sodKd: [0.9501476883888245, 0.9351563453674316, 0.9194323420524597, 0.9068341851234436],
  segPair: [3.696528196334839, 3.523764133453369, 3.686032772064209, 4.002796649932861],
  segPairParts: {
    'pixel-kl': 0.1162860170006752,
    'bcd-context': 0.08158491551876068,
    'bd-stride4': 2.6221742630004883,
  },
  segKa: [8.242912292480469, 7.9047627449035645, 7.948479652404785, 8.524148941040039],
  segKaPart: 7.375481605529785,
  det: [10.970199584960938, 10.539854049682617, 10.670144081115723, 10.481095314025879],
  detKd: [3.857149362564087, 3.8335580825805664, 2.6889147758483887, 2.667181968688965],
  detKdParams: 2259,
};

describe('the one trainer against the pre-move loops (recorded at 2d5e320, wasm)', () => {
  it('SOD: supervised epoch losses and KD-SCFNet soft-dice step losses are bit-identical', async () => {
    await useBackend('wasm');
    const m = createModel('tinysod-s', { rng: new Rng(5) });
    const r = await train({
      model: m,
      source: loaderSource(sodSource(4, 16, 32, 8)),
      epochs: 3,
      optimizer: { kind: 'adam', lr: 3e-3 },
      task: (o, b) => bceDiceDeepSupervision(o.outputs, b.mask!),
    });
    expect(r.epochLoss).toEqual(PRE_MOVE.sodSupervised);
    const t = createModel('tinysod-l', { rng: new Rng(6) }),
      s = createModel('tinysod-s', { rng: new Rng(7) });
    const losses: number[] = [];
    await train({
      model: s,
      source: loaderSource(sodSource(8, 16, 32, 8)),
      epochs: 2,
      optimizer: { kind: 'adam', lr: 2e-3 },
      taskWeight: 0,
      task: (o, b) => bceDiceDeepSupervision(o.outputs, b.mask!),
      distiller: new Distiller(s, t, [softDiceKdTerm(4)]),
      callbacks: [{ onStep: (x) => void losses.push(x.loss) }],
    });
    expect(losses).toEqual(PRE_MOVE.sodKd);
    [m, t, s].forEach((x) => x.dispose());
  });

  it('segmentation: pixel KL + BCD terms, and KA with its autoencoder pre-stage, are bit-identical', async () => {
    await useBackend('wasm');
    const seg = (name: string, seed: number) => createModel(name, { rng: new Rng(seed), numClasses: 3, width: 0.25 });
    const teacher = seg('fcn-mbv2-os8', 3);
    const run = async (specs: Parameters<typeof buildTerms>[0]) => {
      const student = seg('fcn-mbv2-os16', 4);
      const d = new Distiller(student, teacher, buildTerms(specs, { student, teacher, rng: new Rng(11) }));
      const steps: { loss: number; parts: Record<string, number> }[] = [];
      const r = await train({
        model: student,
        source: loaderSource(segSource(2)),
        epochs: 2,
        optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9, schedule: 'poly' },
        task: (o, b) => crossEntropyIgnore(o.outputs[0], b.label!),
        distiller: d,
        callbacks: [{ onStep: (x) => void (x.stage === 'student' && steps.push(x)) }],
      });
      d.dispose();
      student.dispose();
      return { steps, stages: Object.keys(r.stages) };
    };
    const pair = await run([
      { loss: 'pixel-kl', student: 'out', teacher: 'out', options: { T: 1 } },
      { loss: 'bcd-context', weight: 5, student: 'feat', teacher: 'feat', options: { tauC: 0.1 } },
      { loss: 'bcd-boundary', weight: 5, student: 'c2', teacher: 'c2', name: 'bd-stride4' },
    ]);
    expect(pair.steps.map((x) => x.loss)).toEqual(PRE_MOVE.segPair);
    const { task, ...last } = pair.steps[3].parts;
    expect(task).toBeGreaterThan(0);
    expect(last).toEqual(PRE_MOVE.segPairParts);
    const ka = await run([
      // The pre-move stage: plain SGD (no momentum or weight decay), the fixed [2,2,1] encoder.
      {
        loss: 'ka',
        student: 'feat',
        teacher: 'feat',
        options: { beta: 50, gamma: 1, aeEpochs: 2, aeLr: 0.1, aeMomentum: 0, aeWeightDecay: 0, aeStrides: [2, 2, 1] },
      },
    ]);
    expect(ka.stages).toEqual(['ka-autoencoder']);
    expect(ka.steps.map((x) => x.loss)).toEqual(PRE_MOVE.segKa);
    expect(ka.steps[3].parts.ka).toBe(PRE_MOVE.segKaPart);
    teacher.dispose();
  });

  it('detection: YOLOX objective identical, FSD total equal to float32 rounding of the per-level sum, same kd_params', async () => {
    await useBackend('wasm');
    const tiny = (w: number, seed: number) =>
      createModel('yolox-tiny', { rng: new Rng(seed), numClasses: 2, width: w }) as DetectionModel;
    const teacher = tiny(0.0625, 2),
      student = tiny(0.03125, 1);
    const d = new Distiller(
      student,
      teacher,
      buildTerms(
        ['neck.p3', 'neck.p4', 'neck.p5'].map((t) => ({ loss: 'fsd', student: t, teacher: t })),
        { student, teacher, rng: new Rng(3) },
      ),
    );
    // The plan as it was drawn at 2d5e320 (one sequential stream; the lazy plan of issue 18 forks per step).
    const plan = eagerPlanAt2d5e320(detSamples(4, 64), 2, 2, new Rng(9), {
      ...DET_AUGMENT_DEFAULTS,
      size: 64,
      numClasses: 2,
    });
    const det: number[] = [],
      kd: number[] = [];
    await train({
      model: student,
      source: planSource(plan, student.normalization, (g) => `s${g}`),
      epochs: 2,
      optimizer: { kind: 'adam', lr: 0.01, schedule: 'cosine', warmupSteps: 0, warmupFrom: 0.1, floor: 0.05 },
      task: (o, b) => student.loss(o.outputs, b.targets!).total,
      distiller: d,
      callbacks: [
        {
          onStep: (x) => {
            const { task, ...levels } = x.parts;
            det.push(task);
            kd.push(Object.values(levels).reduce((a, v) => a + v, 0));
          },
        },
      ],
    });
    expect(det).toEqual(PRE_MOVE.det);
    kd.forEach((v, i) => expect(v).toBeCloseTo(PRE_MOVE.detKd[i], 6));
    expect(d.extraParams()).toBe(PRE_MOVE.detKdParams);
    d.dispose();
    student.dispose();
    teacher.dispose();
  });
});

/**
 * planDetBatches before it became lazy: each epoch a shuffle from the one stream, then every
 * sample's augmentation from the same stream, all drawn up front — the batches the goldens saw.
 */
function eagerPlanAt2d5e320(
  samples: Sample[],
  epochs: number,
  batchSize: number,
  rng: Rng,
  augment: DetAugmentConfig,
): DetBatchPlan {
  const perEpoch = Math.floor(samples.length / batchSize);
  const out: Sample[][] = [];
  for (let e = 0; e < epochs; e++) {
    const order = rng.shuffle(Array.from({ length: samples.length }, (_, i) => i));
    for (let b = 0; b < perEpoch; b++)
      out.push(order.slice(b * batchSize, (b + 1) * batchSize).map((i) => augmentDetSample(rng, samples[i], augment)));
  }
  return {
    epochs,
    stepsPerEpoch: perEpoch,
    length: out.length,
    sizeAt: () => augment.size,
    batch: async (g) => out[g],
  };
}
