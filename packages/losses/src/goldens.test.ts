// One PyTorch golden per registered loss, computed through the registry (createLoss), so the
// definitions' wiring (inputs, option names, weights) is checked too. The table is typed
// Record<LossName, …>: registering a loss without adding its golden here does not typecheck.
// References: tools/reference/losses/*.py (float64) write goldens/*.json.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { Rng } from '@kd/core';
import { useBackend } from '@kd/runtime';
import { createLoss, type LossName } from './registry.ts';
import type { FsdLevelLoss } from './seeds/fsd/fsd.ts';
import type { KnowledgeAdaptation } from './seeds/ka/knowledge-adaptation.ts';
import { assignFsdWeights, expectClose, golden, t4, value } from './test-helpers.ts';

beforeAll(async () => {
  await useBackend('cpu');
});

interface GoldenCase {
  /** Which golden file and key the expected value is (or is built from). */
  reference: string;
  actual: () => number;
  expected: number;
  rtol?: number;
}

const base = () => golden('baselines');
const scf = () => golden('scfnet');
const bcdG = () => golden('bcd');
const kaG = () => golden('ka');

const GOLDENS: Record<LossName, () => GoldenCase | GoldenCase[]> = {
  'pixel-kl': () => ({
    reference: 'baselines.pixelKl_T4',
    actual: () =>
      value(createLoss('pixel-kl', { T: 4 }).compute({ student: t4(base().student), teacher: t4(base().teacher) })),
    expected: base().expected.pixelKl_T4,
  }),
  cwd: () => ({
    reference: 'baselines.cwd_T4',
    actual: () =>
      value(createLoss('cwd', { T: 4 }).compute({ student: t4(base().student), teacher: t4(base().teacher) })),
    expected: base().expected.cwd_T4,
  }),
  pairwise: () => ({
    reference: 'baselines.pairwise_c6_pool22',
    actual: () =>
      value(
        createLoss('pairwise', { poolKernel: [2, 2] }).compute({
          student: t4(base().student),
          teacher: t4(base().teacher6),
        }),
      ),
    expected: base().expected.pairwise_c6_pool22,
  }),
  fitnet: () => ({
    reference: 'baselines.fitnet (no connector)',
    actual: () => value(createLoss('fitnet').compute({ student: t4(base().student), teacher: t4(base().teacher) })),
    expected: base().expected.fitnet,
  }),
  'attention-transfer': () => ({
    reference: 'baselines.at_p1',
    actual: () =>
      value(
        createLoss('attention-transfer', { p: 1 }).compute({
          student: t4(base().student),
          teacher: t4(base().teacher6),
        }),
      ),
    expected: base().expected.at_p1,
  }),
  'soft-dice-kd': () => ({
    reference: 'scfnet.softDiceKd',
    actual: () =>
      value(
        createLoss('soft-dice-kd').compute({
          studentOutputs: scf().outputs.map(t4),
          teacherMain: t4(scf().teacherMain),
        }),
      ),
    expected: scf().expected.softDiceKd,
  }),
  'scfnet-supervised': () => ({
    reference: 'scfnet.supervised_epoch30',
    actual: () =>
      value(
        createLoss('scfnet-supervised').compute({ outputs: scf().outputs.map(t4), mask: t4(scf().mask), epoch: 30 }),
      ),
    expected: scf().expected.supervised_epoch30,
  }),
  csnet: () => {
    const g = golden('csnet');
    const pairs = g.gammas.map((v: number[], i: number) => ({
      gamma: tf.tensor1d(v),
      activation: t4(g.activations[i]),
    }));
    return {
      reference: 'csnet.total',
      actual: () => value(createLoss('csnet').compute({ logits: t4(g.logits), mask: t4(g.mask), pairs })),
      expected: g.expected.total,
    };
  },
  'ka-adaptation': () => ({
    reference: 'ka.adaptation (teacher = latent code)',
    actual: () => value(createLoss('ka-adaptation').compute({ student: t4(kaG().adapted), teacher: t4(kaG().latent) })),
    expected: kaG().expected.adaptation,
  }),
  'ka-affinity': () => ({
    reference: 'ka.affinityC3',
    actual: () => value(createLoss('ka-affinity').compute({ student: t4(kaG().adapted3), teacher: t4(kaG().latent) })),
    expected: kaG().expected.affinityC3,
  }),
  // The full stage-2 loss with its learnable parts replaced by the golden tensors (encoder → the
  // latent code, both adapters → `adapted`), so the composition CE + 50·adapt + 1·affinity is
  // checked against the PyTorch values of its three parts.
  ka: () => {
    const g = kaG();
    const latent = t4(g.latent);
    const adapted = t4(g.adapted);
    const loss = createLoss('ka', {
      rng: new Rng(1),
      teacherChannels: 5,
      studentChannels: 5,
      autoencoder: { strides: [1, 1, 1] },
    });
    const ka = loss.module as KnowledgeAdaptation;
    ka.startStudentStage();
    ka.autoencoder.encode = () => latent;
    ka.featureAdapter.forward = () => adapted;
    ka.affinityAdapter.forward = () => adapted;
    const inputs = {
      logits: t4(g.logits),
      labels: tf.tensor3d(g.labels, undefined, 'int32'),
      studentFeature: adapted,
      teacherFeature: latent,
    };
    return {
      reference: 'ka.ce + 50·ka.adaptation + ka.affinity',
      actual: () => value(loss.compute(inputs)),
      expected: g.expected.ce + 50 * g.expected.adaptation + g.expected.affinity,
    };
  },
  'bcd-boundary': () => {
    const g = bcdG();
    const bd = createLoss('bcd-boundary');
    return {
      reference: 'bcd.bdMse (two stages, one loss call each)',
      actual: () =>
        value(bd.compute({ student: t4(g.s8), teacher: t4(g.t8) })) +
        value(bd.compute({ student: t4(g.s16), teacher: t4(g.t16) })),
      expected: g.expected.bdMse,
    };
  },
  'bcd-context': () => ({
    reference: 'bcd.cdTau1',
    actual: () =>
      value(createLoss('bcd-context', { tauC: 1 }).compute({ student: t4(bcdG().sLast), teacher: t4(bcdG().tLast) })),
    expected: bcdG().expected.cdTau1,
  }),
  bcd: () => {
    const g = bcdG();
    const inputs = {
      studentStages: [t4(g.s8), t4(g.s16)],
      teacherStages: [t4(g.t8), t4(g.t16)],
      studentLast: t4(g.sLast),
      teacherLast: t4(g.tLast),
    };
    return {
      reference: '2·bcd.bdMse + 0.5·bcd.cd',
      actual: () => value(createLoss('bcd', { boundaryWeight: 2, contextWeight: 0.5 }).compute(inputs)),
      expected: 2 * g.expected.bdMse + 0.5 * g.expected.cd,
    };
  },
  fsd: () => {
    const g = golden('fsd');
    const loss = createLoss('fsd', { rng: new Rng(1), studentChannels: 4, teacherChannels: 6 });
    assignFsdWeights(loss.module as FsdLevelLoss, g.weights);
    return {
      reference: 'fsd.intended.total',
      actual: () =>
        value(loss.compute({ student: t4(g.student), teacher: t4(g.teacher), foreground: tf.tensor3d(g.intended) })),
      expected: g.expected.intended.total,
      rtol: 1e-4,
    };
  },
  dist: () => {
    const g = golden('dist');
    const run =
      (o: object, s = g.student, t = g.teacher) =>
      () =>
        value(createLoss('dist', o).compute({ student: t4(s), teacher: t4(t) }));
    return [
      { reference: 'dist.default', actual: run({}), expected: g.expected.default.total },
      {
        reference: 'dist.beta2_gamma0.5_T4',
        actual: run({ beta: 2, gamma: 0.5, T: 4 }),
        expected: g.expected['beta2_gamma0.5_T4'].total,
      },
      {
        reference: 'dist.classification_T4',
        actual: run({ T: 4 }, g.clsStudent, g.clsTeacher),
        expected: g.expected.classification_T4.total,
      },
    ];
  },
  'soft-dice': () => {
    const g = golden('task');
    const run = (o: object) => () =>
      value(createLoss('soft-dice', o).compute({ logits: t4(g.outputs[0]), target: t4(g.softTarget) }));
    return [
      { reference: 'task.softDice', actual: run({}), expected: g.expected.softDice },
      { reference: 'task.softDiceSmooth0.5', actual: run({ smooth: 0.5 }), expected: g.expected['softDiceSmooth0.5'] },
    ];
  },
  'bce-dice': () => {
    const g = golden('task');
    return {
      reference: 'task.bceDice',
      actual: () => value(createLoss('bce-dice').compute({ outputs: g.outputs.map(t4), mask: t4(g.mask) })),
      expected: g.expected.bceDice,
    };
  },
  'cross-entropy': () => {
    const g = golden('task');
    return {
      reference: 'task.crossEntropy',
      actual: () =>
        value(
          createLoss('cross-entropy').compute({
            logits: t4(g.logits),
            labels: tf.tensor3d(g.labels, undefined, 'int32'),
          }),
        ),
      expected: g.expected.crossEntropy,
    };
  },
};

describe('every registered loss agrees with its PyTorch golden (through createLoss)', () => {
  it.each(Object.keys(GOLDENS) as LossName[])('%s', (name) => {
    for (const c of [GOLDENS[name]()].flat()) expectClose(c.actual(), c.expected, c.rtol ?? 1e-5, 1e-7);
  });
});
