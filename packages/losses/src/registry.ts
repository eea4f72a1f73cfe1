import * as tf from '@tensorflow/tfjs';
import { Registry, UsageError, type Module, type Rng, type TapSpec } from '@kd/core';
import { attentionTransfer, type AttentionTransferOptions } from './kd/feature/attention-transfer.ts';
import { bcdLoss, type BcdInputs, type BcdOptions } from './seeds/bcd/bcd.ts';
import { boundaryDistillation, type BoundaryDistillationOptions } from './seeds/bcd/bcd-boundary.ts';
import { contextDistillation, type ContextDistillationOptions } from './seeds/bcd/bcd-context.ts';
import { connectorFor, type ConnectorKind } from './nn/connectors.ts';
import { channelWiseDistillation, type CwdOptions } from './kd/logits/cwd.ts';
import { csnetLoss, type BnActivationPair, type DynamicWeightDecayOptions } from './seeds/csnet/dynamic-weight-decay.ts';
import { fitnet } from './kd/feature/fitnet.ts';
import { FsdLevelLoss, type FsdInputs, type FsdOptions } from './seeds/fsd/fsd.ts';
import { kaAdaptationLoss } from './seeds/ka/ka-adaptation.ts';
import { kaAffinityLoss } from './seeds/ka/ka-affinity.ts';
import { KnowledgeAdaptation, type KaStudentInputs, type KnowledgeAdaptationOptions } from './seeds/ka/knowledge-adaptation.ts';
import { pairwiseAffinity, type PairwiseOptions } from './kd/relation/pairwise.ts';
import { pixelKl, type PixelKlOptions } from './kd/logits/pixel-kl.ts';
import { scfnetSupervisedLoss } from './seeds/scfnet/scfnet-supervised.ts';
import { softDiceKd } from './seeds/scfnet/soft-dice-kd.ts';

/** A built loss: typed inputs → scalar, plus the learnable parts it owns (train them with the student). */
export interface Loss<I> {
  readonly name: string;
  /** Connector / align conv / adapters / GcBlock MLPs; null for a pure function. */
  readonly module: Module | null;
  compute(inputs: I): tf.Scalar;
}

/** Student and teacher maps of one tap (or logits), NHWC. */
export interface PairInputs {
  student: tf.Tensor4D;
  teacher: tf.Tensor4D;
}

export interface FitnetOptions {
  /** With both taps and an rng, a connector is built from them (default kind 'auto'). */
  rng?: Rng;
  studentTap?: TapSpec;
  teacherTap?: TapSpec;
  connector?: ConnectorKind;
}

/** Every registered loss: its options and its typed inputs. `createLoss` is typed from this. */
export interface LossCatalog {
  'pixel-kl': { options: PixelKlOptions; inputs: PairInputs };
  cwd: { options: CwdOptions; inputs: PairInputs };
  pairwise: { options: PairwiseOptions; inputs: PairInputs };
  fitnet: { options: FitnetOptions; inputs: PairInputs };
  'attention-transfer': { options: AttentionTransferOptions; inputs: PairInputs };
  'soft-dice-kd': { options: { weights?: number[] }; inputs: { studentOutputs: tf.Tensor4D[]; teacherMain: tf.Tensor4D } };
  'scfnet-supervised': { options: { weights?: number[] }; inputs: { outputs: tf.Tensor4D[]; mask: tf.Tensor4D; epoch: number } };
  csnet: { options: DynamicWeightDecayOptions; inputs: { logits: tf.Tensor4D; mask: tf.Tensor4D; pairs: BnActivationPair[] } };
  'ka-adaptation': { options: Record<string, never>; inputs: PairInputs };
  'ka-affinity': { options: Record<string, never>; inputs: PairInputs };
  ka: { options: KnowledgeAdaptationOptions & { rng: Rng }; inputs: KaStudentInputs };
  'bcd-boundary': { options: BoundaryDistillationOptions; inputs: PairInputs };
  'bcd-context': { options: ContextDistillationOptions; inputs: PairInputs };
  bcd: { options: BcdOptions; inputs: BcdInputs };
  fsd: { options: FsdOptions & { rng: Rng }; inputs: FsdInputs };
}
export type LossName = keyof LossCatalog;

interface LossEntry {
  /** True when the inputs are a (student, teacher) pair — usable from the `.npy` CLI. */
  pair: boolean;
  create(opts: unknown): Loss<unknown>;
}

const registry = new Registry<LossEntry>('loss');

function define<K extends LossName>(name: K, pair: boolean, description: string, create: (opts: LossCatalog[K]['options']) => Loss<LossCatalog[K]['inputs']>): void {
  // Every compute runs in one tidy scope, so intermediate parts (connector outputs, the other
  // terms of a multi-part loss) are freed and only the scalar survives.
  const scoped = (opts: LossCatalog[K]['options']): Loss<LossCatalog[K]['inputs']> => {
    const loss = create(opts);
    return { name: loss.name, module: loss.module, compute: (i) => tf.tidy(() => loss.compute(i)) };
  };
  registry.register(name, { pair, create: scoped as (o: unknown) => Loss<unknown> }, description);
}

function pure<I>(name: string, f: (i: I) => tf.Scalar): Loss<I> {
  return { name, module: null, compute: f };
}

function needRng(name: string, o: { rng?: Rng } | undefined): Rng {
  if (!o?.rng) throw new UsageError(`loss '${name}' has learnable parts: pass { rng } (and its channel options) to createLoss`);
  return o.rng;
}

define('pixel-kl', true, 'T²·mean over pixels of KL(softmax(t/T) ‖ softmax(s/T))', (o) => pure('pixel-kl', ({ student, teacher }) => pixelKl(student, teacher, o)));
define('cwd', true, 'channel-wise distillation: T²/(N·C)·Σ KL of per-channel spatial softmax', (o) => pure('cwd', ({ student, teacher }) => channelWiseDistillation(student, teacher, o)));
define('pairwise', true, 'SKD pair-wise cosine affinity, mean squared difference (optional ceil max-pool)', (o) => pure('pairwise', ({ student, teacher }) => pairwiseAffinity(student, teacher, o)));
define('fitnet', true, 'FitNets hint: MSE through a connector built from the two taps', (o) => {
  if (o?.studentTap && o.teacherTap) {
    const c = connectorFor(needRng('fitnet', o), o.studentTap, o.teacherTap, o.connector);
    return { name: 'fitnet', module: c, compute: ({ student, teacher }) => fitnet(c.forward(student, teacher), teacher) };
  }
  return pure('fitnet', ({ student, teacher }) => fitnet(student, teacher));
});
define('attention-transfer', true, 'attention transfer: mean squared difference of normalised mean_c|F|^p maps', (o) => pure('attention-transfer', ({ student, teacher }) => attentionTransfer(student, teacher, o)));
define('soft-dice-kd', false, 'KD-SCFNet: soft dice of each student output against σ(teacher main), weights 1, ½, ¼, ⅛', (o) => pure('soft-dice-kd', ({ studentOutputs, teacherMain }) => softDiceKd(studentOutputs, teacherMain, o?.weights)));
define('scfnet-supervised', false, 'SCFNet FS: dice + PBSM boundary dice per output, weights 1, ½, ¼, ⅛', (o) => pure('scfnet-supervised', ({ outputs, mask, epoch }) => scfnetSupervisedLoss(outputs, mask, epoch, o?.weights)));
define('csnet', false, 'CSNet: BCE-with-logits + 3.0·dynamic weight decay on ILBlock BN γ', (o) => pure('csnet', ({ logits, mask, pairs }) => csnetLoss(logits, mask, pairs, o)));
define('ka-adaptation', true, 'Knowledge Adaptation: L1 between L2-normalised teacher code (teacher) and adapted student (student)', () => pure('ka-adaptation', ({ student, teacher }) => kaAdaptationLoss(teacher, student)));
define('ka-affinity', true, 'Knowledge Adaptation: row-wise L2 between cosine pixel affinities of teacher code and student', () => pure('ka-affinity', ({ student, teacher }) => kaAffinityLoss(teacher, student)));
define('ka', false, 'Knowledge Adaptation stage 2: CE + 50·adapt + 1·affinity (module = autoencoder + adapters)', (o) => {
  const ka = new KnowledgeAdaptation(needRng('ka', o), o);
  return { name: 'ka', module: ka, compute: (i) => ka.studentStageLoss(i).total };
});
define('bcd-boundary', true, 'BCD boundary distillation on one stage (paper description, not released code)', (o) => pure('bcd-boundary', ({ student, teacher }) => boundaryDistillation([student], [teacher], o)));
define('bcd-context', true, 'BCD context distillation: KL of pixel self-relations (paper description, not released code)', (o) => pure('bcd-context', ({ student, teacher }) => contextDistillation(student, teacher, o)));
define('bcd', false, 'BCD: λ_kd·pixel KL + λ_bd·boundary + λ_cd·context, each switchable', (o) => pure('bcd', (i) => bcdLoss(i, o).total));
define('fsd', false, 'FSD: fg/bg KL + 0.001·attention L1 + 1e-5·GcBlock relation (module = align conv + GcBlock)', (o) => {
  const fsd = new FsdLevelLoss(needRng('fsd', o), o);
  return { name: 'fsd', module: fsd, compute: (i) => fsd.forward(i).total };
});

/**
 * Builds a registered loss by name, typed by `LossCatalog`. Unknown names throw a UsageError
 * listing the nearest names.
 *
 * @example
 *   const kl = createLoss('pixel-kl', { T: 4 });
 *   const value = kl.compute({ student: sLogits, teacher: tLogits });
 */
export function createLoss<K extends LossName>(name: K, options?: LossCatalog[K]['options']): Loss<LossCatalog[K]['inputs']> {
  return registry.get(name).create(options ?? {}) as Loss<LossCatalog[K]['inputs']>;
}

/** Registered loss names, sorted, optionally filtered by a glob (`'bcd*'`). */
export function listLosses(glob = '*'): string[] {
  return registry.list(glob);
}

/** One-line description of a registered loss. */
export function describeLoss(name: string): string {
  registry.get(name);
  return registry.describe(name);
}

/** Names of the losses whose inputs are one (student, teacher) pair. */
export function listPairLosses(): string[] {
  return registry.list().filter((n) => registry.get(n).pair);
}

/**
 * Builds a loss from a runtime string (CLI, configs) that must take a (student, teacher) pair.
 * Throws a UsageError for unknown names and for losses with other inputs.
 */
export function createPairLoss(name: string, options: Record<string, unknown> = {}): Loss<PairInputs> {
  const entry = registry.get(name);
  if (!entry.pair) {
    throw new UsageError(`loss '${name}' does not take a single (student, teacher) pair; pair losses: ${listPairLosses().join(', ')}`);
  }
  return entry.create(options) as Loss<PairInputs>;
}
